#pragma once
// Plan decomposition (seed 002): from the month's revenue plan back up the funnel to the
// leading indicators a department must reach, and their split per manager. Pure: the caller
// supplies the base period's counts; nothing here reads a database or a clock.
//
// The arithmetic, so that a head can redo it with a calculator:
//   sales        = ⌈revenue plan ÷ average sale⌉
//   conversion   = next step's base count ÷ this step's base count, rounded to 0.1 %
//                  (what is shown is what is used; capped at 100 %)
//   this step    = ⌈next step's target ÷ conversion⌉, from the sales upwards
//   per manager  = ⌈step target × manager's share⌉, share = weight × days in the plan ÷ Σ
// Rounding is always up, so the per-manager figures may add up to slightly more than the team's.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace voronka::analytics {

struct FunnelStep {
  std::string code;     // a stage code, "leads" for created cards, "won" for sales
  std::string name_ru, name_en;
  int64_t base_count = 0;  // reached in the base period
};

struct ManagerInput {
  int64_t user_id = 0;
  std::string name;
  int64_t weight = 1;   // relative, > 0 ("equally" = all 1)
  int first_day = 1;    // a manager who joins mid-month plans from this day of the month
};

struct PlanInput {
  int64_t revenue_plan = 0;  // kopecks, > 0
  int64_t break_even = 0;    // kopecks, 0 = not given
  int64_t average_sale = 0;  // kopecks, > 0
  int days_in_month = 30;
  std::vector<FunnelStep> steps;  // top of the funnel first; the last one is the sales
  std::vector<ManagerInput> managers;
};

struct PlanLine {
  FunnelStep step;
  int conversion_permille = 0;  // to the next step; 0 for the last (sales)
  bool conversion_capped = false;
  int64_t target = 0;
  std::string formula;  // "40 ÷ 66.7% = 59.97 → 60"; for the sales "800000 ₽ ÷ 40000 ₽ = 20.00 → 20"
};

struct ManagerPlan {
  int64_t user_id = 0;
  std::string name;
  int64_t weight = 1;
  int first_day = 1;
  int share_permille = 0;            // shown share (rounded); the arithmetic uses the exact one
  int64_t revenue = 0;               // kopecks, rounded up to the ruble
  std::vector<int64_t> targets;      // per line, in the order of Plan::lines
};

struct Plan {
  int64_t sales_needed = 0;
  int64_t break_even_sales = 0;  // 0 when no break-even was given
  std::string break_even_formula;
  std::vector<PlanLine> lines;  // same order as PlanInput::steps
  std::vector<ManagerPlan> managers;
};

// kInvalid (field named) for a non-positive plan, average sale or weight, fewer than two steps
// or a first_day outside the month; kUnprocessable naming the step when a base count is zero
// (no conversion to divide by).
Result<Plan> DecomposePlan(const PlanInput& in);

// Rubles with thin grouping for formulas: 80000000 → "800 000 ₽" (kopecks shown only when not whole).
std::string FormatRubles(int64_t kopecks);

// Progress of a month against its plan, day by day.
struct ProgressSeries {
  std::string code;               // "revenue" or a step code
  int64_t target = 0;             // the month's target
  std::vector<int64_t> daily;     // actual per day of the month (index 0 = day 1), up to today
  int64_t actual = 0;             // sum of daily up to today
  int64_t planned_to_date = 0;    // ⌈target × elapsed days ÷ days in month⌉
  int pace_percent = 0;           // actual ÷ planned to date, 0 when nothing was planned yet
  int64_t projection = 0;         // actual ÷ elapsed days × days in month, rounded down
  int fulfilment_percent = 0;     // actual ÷ target
};

// elapsed_days: days of the month that have begun (1..days_in_month); `daily` is cut to them.
ProgressSeries ComputeProgress(std::string code, int64_t target, std::vector<int64_t> daily, int elapsed_days,
                               int days_in_month);

}  // namespace voronka::analytics
