#include "analytics/plan.h"

#include <gtest/gtest.h>

namespace voronka::analytics {
namespace {

constexpr int64_t kRub = 100;

// Seed 002: 4 managers + head, break-even 400 000 ₽, plan 800 000 ₽, average sale 40 000 ₽.
// The base month's history (the seed's table is an image; these are its shape): 320 leads,
// 160 qualified, 80 deep interviews, 48 proposals, 32 presentations, 16 sales.
PlanInput WorkedExample() {
  PlanInput in;
  in.revenue_plan = 800'000 * kRub;
  in.break_even = 400'000 * kRub;
  in.average_sale = 40'000 * kRub;
  in.days_in_month = 30;
  in.steps = {{"leads", "Заявки", "Leads", 320},          {"scoring", "Квалифицированы", "Qualified", 160},
              {"deep_interview", "Интервью", "Interviews", 80}, {"proposal", "КП", "Proposals", 48},
              {"presentation", "Презентации", "Presentations", 32}, {"won", "Продажи", "Sales", 16}};
  in.managers = {{11, "Алексей"}, {12, "Мария"}, {13, "Дмитрий"}, {14, "Екатерина"}};
  return in;
}

TEST(Plan, WorkedExampleFromSeed002) {
  auto plan = DecomposePlan(WorkedExample());
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const Plan& p = plan.value();
  EXPECT_EQ(p.sales_needed, 20);
  EXPECT_EQ(p.break_even_sales, 10);
  EXPECT_EQ(p.break_even_formula, "400 000 ₽ ÷ 40 000 ₽ = 10.00 → 10");
  ASSERT_EQ(p.lines.size(), 6u);
  // Conversions of the base month, then the targets worked back from 20 sales, rounded up.
  std::vector<int> conversions;
  std::vector<int64_t> targets;
  for (const auto& l : p.lines) conversions.push_back(l.conversion_permille), targets.push_back(l.target);
  EXPECT_EQ(conversions, (std::vector<int>{500, 500, 600, 667, 500, 0}));
  EXPECT_EQ(targets, (std::vector<int64_t>{400, 200, 100, 60, 40, 20}));
  EXPECT_EQ(p.lines[5].formula, "800 000 ₽ ÷ 40 000 ₽ = 20.00 → 20");
  EXPECT_EQ(p.lines[4].formula, "20 ÷ 50.0% = 40.00 → 40");
  // 40 ÷ 0.667 = 59.97: rounded up to 60, not down.
  EXPECT_EQ(p.lines[3].formula, "40 ÷ 66.7% = 59.97 → 60");
  EXPECT_EQ(p.lines[0].formula, "200 ÷ 50.0% = 400.00 → 400");

  // Four managers equally: 200 000 ₽ each (the seed's plan per employee), a quarter of every step.
  ASSERT_EQ(p.managers.size(), 4u);
  for (const auto& m : p.managers) {
    EXPECT_EQ(m.revenue, 200'000 * kRub);
    EXPECT_EQ(m.share_permille, 250);
    EXPECT_EQ(m.targets, (std::vector<int64_t>{100, 50, 25, 15, 10, 5}));
  }
}

TEST(Plan, EveryStepRoundsUp) {
  PlanInput in = WorkedExample();
  in.revenue_plan = 810'000 * kRub;  // 20.25 sales → 21
  auto p = DecomposePlan(in).value();
  EXPECT_EQ(p.sales_needed, 21);
  EXPECT_EQ(p.lines[4].target, 42);   // 21 ÷ 50 %
  EXPECT_EQ(p.lines[3].target, 63);   // 42 ÷ 66.7 % = 62.96
  EXPECT_EQ(p.lines[2].target, 105);  // 63 ÷ 60 %
  // 21 sales over 4 managers: 5.25 → 6 each (the split rounds up too).
  EXPECT_EQ(p.managers[0].targets.back(), 6);
}

TEST(Plan, ZeroConversionNamesTheStep) {
  PlanInput in = WorkedExample();
  in.steps[5].base_count = 0;  // no sales last month (the average sale entered by hand)
  auto r = DecomposePlan(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kUnprocessable);
  EXPECT_EQ(r.error().field, "steps.won");
  EXPECT_EQ(r.error().message,
            "the conversion 'Presentations' → 'Sales' is 0% in the base period (32 → 0): the plan cannot be "
            "worked back through it; choose another base period");

  in = WorkedExample();
  in.steps[4].base_count = 0;  // no presentations last month
  r = DecomposePlan(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "steps.presentation");
  EXPECT_EQ(r.error().message,
            "no 'Presentations' in the base period, so the conversion 'Presentations' → 'Sales' is unknown; choose "
            "another base period");

  in = WorkedExample();
  in.steps[0].base_count = 0;
  r = DecomposePlan(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "no 'Leads' in the base period, so the conversion 'Leads' → 'Qualified' is unknown; choose another base "
            "period");

  in = WorkedExample();
  in.average_sale = 0;
  EXPECT_EQ(DecomposePlan(in).error().code, Code::kUnprocessable);
}

TEST(Plan, ManagerAddedMidMonthGetsTheRemainingDays) {
  PlanInput in = WorkedExample();
  in.managers.push_back({15, "Новый", 1, 16});  // joins on the 16th of a 30-day month: 15 days
  auto p = DecomposePlan(in).value();
  // Shares: 30:30:30:30:15 → 2/9 each and 1/9.
  EXPECT_EQ(p.managers[0].share_permille, 222);
  EXPECT_EQ(p.managers[4].share_permille, 111);
  EXPECT_EQ(p.managers[0].targets.back(), 5);  // 20 × 2/9 = 4.44 → 5
  EXPECT_EQ(p.managers[4].targets.back(), 3);  // 20 × 1/9 = 2.22 → 3
  EXPECT_EQ(p.managers[4].revenue, 88'889 * kRub);  // 800 000 ÷ 9 = 88 888.89 → 88 889
  in.managers[4].first_day = 31;
  EXPECT_EQ(DecomposePlan(in).error().code, Code::kInvalid);
}

TEST(Plan, WeightsSplitUnequally) {
  PlanInput in = WorkedExample();
  in.managers = {{11, "Старший", 3}, {12, "Младший", 1}};
  auto p = DecomposePlan(in).value();
  EXPECT_EQ(p.managers[0].targets.back(), 15);
  EXPECT_EQ(p.managers[1].targets.back(), 5);
  EXPECT_EQ(p.managers[0].revenue, 600'000 * kRub);
}

TEST(Plan, ConversionAboveHundredIsCapped) {
  PlanInput in = WorkedExample();
  in.steps[3].base_count = 100;  // more proposals than interviews this month (flow)
  auto p = DecomposePlan(in).value();
  EXPECT_TRUE(p.lines[2].conversion_capped);
  EXPECT_EQ(p.lines[2].conversion_permille, 1000);
  EXPECT_EQ(p.lines[2].target, p.lines[3].target);
}

TEST(Plan, ProgressPaceAndProjection) {
  // Day 10 of 30, 300 000 ₽ of 800 000 ₽ sold.
  std::vector<int64_t> daily(10, 0);
  daily[2] = 100'000 * kRub;
  daily[8] = 200'000 * kRub;
  auto s = ComputeProgress("revenue", 800'000 * kRub, daily, 10, 30);
  EXPECT_EQ(s.actual, 300'000 * kRub);
  EXPECT_EQ(s.planned_to_date, 26'666'667);  // 800 000 × 10/30, rounded up in kopecks
  EXPECT_EQ(s.pace_percent, 112);
  EXPECT_EQ(s.projection, 900'000 * kRub);
  EXPECT_EQ(s.fulfilment_percent, 37);
}

}  // namespace
}  // namespace voronka::analytics
