#include "analytics/plan.h"

#include <algorithm>
#include <cstdio>

namespace voronka::analytics {

namespace {

int64_t CeilDiv(__int128 a, __int128 b) { return static_cast<int64_t>((a + b - 1) / b); }

std::string Group(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

// a ÷ b with two decimals, truncated toward zero ("59.97").
std::string Quotient(__int128 a, __int128 b) {
  int64_t hundredths = static_cast<int64_t>(a * 100 / b);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(hundredths / 100),
                static_cast<long long>(hundredths % 100));
  return buf;
}

std::string Permille(int p) { return std::to_string(p / 10) + "." + std::to_string(p % 10) + "%"; }

}  // namespace

std::string FormatRubles(int64_t kopecks) {
  std::string s = Group(kopecks / 100);
  if (kopecks % 100 != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ",%02lld", static_cast<long long>(std::abs(kopecks % 100)));
    s += buf;
  }
  return s + " ₽";
}

Result<Plan> DecomposePlan(const PlanInput& in) {
  if (in.revenue_plan <= 0) return Error::Invalid("revenue_plan", "the revenue plan must be more than 0 ₽");
  if (in.break_even < 0) return Error::Invalid("break_even", "the break-even point must not be negative");
  if (in.average_sale <= 0)
    return Error::Unprocessable("average_sale",
                                "the average sale is 0 ₽: the base period has no won deals; choose another base "
                                "period or enter the average sale");
  if (in.steps.size() < 2) return Error::Invalid("steps", "the funnel needs at least two steps");
  if (in.days_in_month < 28 || in.days_in_month > 31) return Error::Invalid("month", "a month has 28 to 31 days");

  Plan plan;
  plan.sales_needed = CeilDiv(in.revenue_plan, in.average_sale);
  if (in.break_even > 0) {
    plan.break_even_sales = CeilDiv(in.break_even, in.average_sale);
    plan.break_even_formula = FormatRubles(in.break_even) + " ÷ " + FormatRubles(in.average_sale) + " = " +
                              Quotient(in.break_even, in.average_sale) + " → " + std::to_string(plan.break_even_sales);
  }
  size_t n = in.steps.size();
  plan.lines.resize(n);
  plan.lines[n - 1].step = in.steps[n - 1];
  plan.lines[n - 1].target = plan.sales_needed;
  plan.lines[n - 1].formula = FormatRubles(in.revenue_plan) + " ÷ " + FormatRubles(in.average_sale) + " = " +
                              Quotient(in.revenue_plan, in.average_sale) + " → " + std::to_string(plan.sales_needed);
  for (size_t i = n - 1; i-- > 0;) {
    const FunnelStep& from = in.steps[i];
    const FunnelStep& to = in.steps[i + 1];
    if (from.base_count <= 0)
      return Error::Unprocessable("steps." + from.code,
                                  "no '" + from.name_en + "' in the base period, so the conversion '" + from.name_en +
                                      "' → '" + to.name_en + "' is unknown; choose another base period");
    // Rounded half up to 0.1 %.
    int64_t p = (static_cast<__int128>(to.base_count) * 2000 + from.base_count) / (2 * from.base_count);
    if (p <= 0)
      return Error::Unprocessable("steps." + to.code,
                                  "the conversion '" + from.name_en + "' → '" + to.name_en + "' is 0% in the base period (" +
                                      std::to_string(from.base_count) + " → " + std::to_string(to.base_count) +
                                      "): the plan cannot be worked back through it; choose another base period");
    PlanLine& line = plan.lines[i];
    line.step = from;
    line.conversion_capped = p > 1000;
    line.conversion_permille = static_cast<int>(std::min<int64_t>(p, 1000));
    int64_t next = plan.lines[i + 1].target;
    line.target = CeilDiv(static_cast<__int128>(next) * 1000, line.conversion_permille);
    line.formula = std::to_string(next) + " ÷ " + Permille(line.conversion_permille) + " = " +
                   Quotient(static_cast<__int128>(next) * 1000, line.conversion_permille) + " → " +
                   std::to_string(line.target);
  }

  // Shares: weight × days in the plan, exact as integers.
  int64_t total = 0;
  for (const auto& m : in.managers) {
    if (m.weight <= 0) return Error::Invalid("managers", "every manager's weight must be more than 0");
    if (m.first_day < 1 || m.first_day > in.days_in_month)
      return Error::Invalid("managers", "a manager's first day must be a day of the month (1–" +
                                            std::to_string(in.days_in_month) + ")");
    total += m.weight * (in.days_in_month - m.first_day + 1);
  }
  for (const auto& m : in.managers) {
    int64_t part = m.weight * (in.days_in_month - m.first_day + 1);
    ManagerPlan mp{m.user_id, m.name, m.weight, m.first_day, 0, 0, {}};
    mp.share_permille = static_cast<int>((part * 2000 + total) / (2 * total));
    mp.revenue = CeilDiv(static_cast<__int128>(in.revenue_plan) * part, total * 100) * 100;
    for (const auto& line : plan.lines) mp.targets.push_back(CeilDiv(static_cast<__int128>(line.target) * part, total));
    plan.managers.push_back(std::move(mp));
  }
  return plan;
}

ProgressSeries ComputeProgress(std::string code, int64_t target, std::vector<int64_t> daily, int elapsed_days,
                               int days_in_month) {
  ProgressSeries s;
  s.code = std::move(code);
  s.target = target;
  elapsed_days = std::clamp(elapsed_days, 0, days_in_month);
  daily.resize(elapsed_days, 0);
  s.daily = std::move(daily);
  for (int64_t v : s.daily) s.actual += v;
  if (elapsed_days > 0) {
    s.planned_to_date = CeilDiv(static_cast<__int128>(target) * elapsed_days, days_in_month);
    s.projection = static_cast<int64_t>(static_cast<__int128>(s.actual) * days_in_month / elapsed_days);
  }
  if (s.planned_to_date > 0) s.pace_percent = static_cast<int>(s.actual * 100 / s.planned_to_date);
  if (target > 0) s.fulfilment_percent = static_cast<int>(s.actual * 100 / target);
  return s;
}

}  // namespace voronka::analytics
