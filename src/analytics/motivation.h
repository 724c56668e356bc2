#pragma once
// Motivation (seed 002): points per action, each counted only when done properly; the month's
// points choose the base salary, the month's sales against the manager's plan choose the
// percentage of sales. The scheme is YAML a head reads (processes/motivation/*.yaml); the
// computation is pure over the month's recorded actions.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/lint.h"
#include "common/result.h"

namespace voronka::analytics {

struct ActionRule {
  std::string code, name_ru, name_en;
  int points = 0;
  std::string activity;       // counts activities of this type ("call", "meeting", …), or
  std::string stage_reached;  // counts cards first reaching this stage of the funnel
  std::vector<std::string> required;  // activity fields that must be filled (goal, next_step, outcome)
  int64_t min_amount = 0;             // kopecks: a card below it earns nothing
};

struct SalaryLevel {
  int from_points = 0;
  int64_t base = 0;  // kopecks
};

struct SalesTier {
  int from_plan_percent = 0;
  int percent = 0;
};

struct Scheme {
  std::string code, name_ru, name_en;
  int points_plan = 0;
  std::vector<ActionRule> actions;
  std::vector<SalaryLevel> levels;  // ascending from_points, the first from 0
  int64_t sales_plan = 0;           // kopecks, per manager when the month has no saved plan
  std::vector<SalesTier> tiers;     // ascending from_plan_percent, the first from 0
};

// Every problem of a scheme with file:line:column: unknown keys, missing or wrong values,
// unknown activity types or stages (`stages`: the funnel's stage codes), unordered thresholds.
std::vector<LintMessage> LintScheme(std::string_view yaml, std::string_view file,
                                    const std::vector<std::string>& stages);
// kInvalid with all lint messages joined when the scheme has problems.
Result<Scheme> LoadScheme(std::string_view yaml, std::string_view file, const std::vector<std::string>& stages);

// The shipped scheme (processes/motivation/it_studio.yaml) and its YAML; throws if it does not load.
const Scheme& DefaultScheme();
const std::string& DefaultSchemeYaml();

// One recorded action of a month.
struct ActionFact {
  int64_t user_id = 0;
  std::string activity;       // activity type, or
  std::string stage_reached;  // stage first reached
  bool goal = false, next_step = false, outcome = false;
  int64_t amount = 0;         // the card's amount (kopecks) for stage reaches
  bool sale = false;          // a won card: its amount counts as the manager's sales
};

struct ActionCount {
  std::string code;
  int64_t counted = 0;   // earned points
  int64_t rejected = 0;  // done, but failed the quality rule
  int64_t points = 0;
};

struct PayrollRow {
  int64_t user_id = 0;
  std::string name;
  std::vector<ActionCount> actions;  // in the scheme's order
  int64_t points = 0;
  int points_plan_percent = 0;
  int64_t base = 0;           // kopecks, from the level reached
  int level_from_points = 0;
  int64_t sales = 0;          // kopecks
  int64_t sales_plan = 0;     // kopecks
  int sales_plan_percent = 0;
  int percent = 0;            // of sales, from the tier reached
  int64_t bonus = 0;          // kopecks, sales × percent, rounded down to the kopeck
  int64_t total = 0;          // base + bonus
  int rank = 0;               // 1-based place by points, then sales
};

struct Person {
  int64_t user_id = 0;
  std::string name;
  int64_t sales_plan = 0;  // kopecks; 0 = the scheme's
};

// One row per person (in the given order, ranks filled in); facts of others are ignored.
std::vector<PayrollRow> ComputePayroll(const Scheme& scheme, const std::vector<Person>& people,
                                       const std::vector<ActionFact>& facts);

}  // namespace voronka::analytics
