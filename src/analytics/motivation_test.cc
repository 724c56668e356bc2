#include "analytics/motivation.h"

#include <gtest/gtest.h>

namespace voronka::analytics {
namespace {

constexpr int64_t kRub = 100;

void Add(std::vector<ActionFact>& facts, int n, ActionFact f) {
  for (int i = 0; i < n; ++i) facts.push_back(f);
}

ActionFact Call(int64_t user, bool goal, bool next) { return {user, "call", "", goal, next, false, 0, false}; }
ActionFact Meeting(int64_t user, bool outcome) { return {user, "meeting", "", true, true, outcome, 0, false}; }
ActionFact Reached(int64_t user, const char* stage, int64_t amount = 0) {
  return {user, "", stage, false, false, false, amount, std::string(stage) == "won"};
}

// A recorded month and the sheet a head computes by hand from the shipped scheme
// (contact 3, call 2, meeting 10, proposal 20, won 30 points; 890 = plan).
TEST(Motivation, RecordedMonthMatchesTheHandComputedSheet) {
  const Scheme& scheme = DefaultScheme();
  EXPECT_EQ(scheme.points_plan, 890);
  std::vector<ActionFact> facts;
  // Алексей does exactly the plan: 50×3 + 120×2 + 15×10 + 10×20 + 5×30 = 890 points,
  // 5 sales × 40 000 ₽ = 200 000 ₽ = his plan. 10 calls without a next step earn nothing.
  Add(facts, 50, Reached(1, "screening"));
  Add(facts, 120, Call(1, true, true));
  Add(facts, 10, Call(1, true, false));
  Add(facts, 15, Meeting(1, true));
  Add(facts, 10, Reached(1, "presentation"));
  Add(facts, 5, Reached(1, "won", 40'000 * kRub));
  // Мария: 30×3 + 60×2 + 8×10 + 4×20 + 6×30 = 550 points (5 calls without a goal and
  // 2 meetings without an outcome earn nothing; a 5 000 ₽ sale is below min_amount but is a sale).
  Add(facts, 30, Reached(2, "screening"));
  Add(facts, 60, Call(2, true, true));
  Add(facts, 5, Call(2, false, true));
  Add(facts, 8, Meeting(2, true));
  Add(facts, 2, Meeting(2, false));
  Add(facts, 4, Reached(2, "presentation"));
  Add(facts, 6, Reached(2, "won", 50'000 * kRub));
  Add(facts, 1, Reached(2, "won", 5'000 * kRub));
  Add(facts, 7, Call(99, true, true));  // someone not on the sheet

  auto rows = ComputePayroll(scheme, {{1, "Алексей", 0}, {2, "Мария", 0}}, facts);
  ASSERT_EQ(rows.size(), 2u);
  const PayrollRow& a = rows[0];
  EXPECT_EQ(a.points, 890);
  EXPECT_EQ(a.points_plan_percent, 100);
  EXPECT_EQ(a.actions[1].counted, 120);
  EXPECT_EQ(a.actions[1].rejected, 10);
  EXPECT_EQ(a.base, 20'000 * kRub);
  EXPECT_EQ(a.sales, 200'000 * kRub);
  EXPECT_EQ(a.sales_plan_percent, 100);
  EXPECT_EQ(a.percent, 15);
  EXPECT_EQ(a.bonus, 30'000 * kRub);
  EXPECT_EQ(a.total, 50'000 * kRub);  // the seed: 20 000 ₽ + 15 % = 50 000 ₽ at plan
  EXPECT_EQ(a.rank, 1);

  const PayrollRow& m = rows[1];
  EXPECT_EQ(m.points, 550);
  EXPECT_EQ(m.actions[1].rejected, 5);
  EXPECT_EQ(m.actions[2].counted, 8);
  EXPECT_EQ(m.actions[2].rejected, 2);
  EXPECT_EQ(m.actions[4].counted, 6);
  EXPECT_EQ(m.actions[4].rejected, 1);
  EXPECT_EQ(m.base, 15'000 * kRub);  // 445 ≤ 550 < 890
  EXPECT_EQ(m.sales, 305'000 * kRub);
  EXPECT_EQ(m.sales_plan_percent, 152);
  EXPECT_EQ(m.percent, 20);
  EXPECT_EQ(m.bonus, 61'000 * kRub);
  EXPECT_EQ(m.total, 76'000 * kRub);
  EXPECT_EQ(m.rank, 2);
}

TEST(Motivation, PersonalSalesPlanComesFromTheSavedPlan) {
  std::vector<ActionFact> facts;
  Add(facts, 3, Reached(1, "won", 40'000 * kRub));
  auto rows = ComputePayroll(DefaultScheme(), {{1, "Алексей", 100'000 * kRub}}, facts);
  EXPECT_EQ(rows[0].sales_plan_percent, 120);
  EXPECT_EQ(rows[0].percent, 20);
  EXPECT_EQ(rows[0].bonus, 24'000 * kRub);
  EXPECT_EQ(rows[0].base, 10'000 * kRub);  // 90 points
}

TEST(Motivation, LintNamesLineAndColumn) {
  const std::string yaml =
      "code: x\n"
      "name: {ru: \"М\", en: \"M\"}\n"
      "points_plan: 890\n"
      "bonus: 5\n"
      "actions:\n"
      "  - code: call\n"
      "    name: {ru: \"З\", en: \"C\"}\n"
      "    points: two\n"
      "    counts: {activity: phonecall}\n"
      "  - code: won\n"
      "    name: {ru: \"В\", en: \"W\"}\n"
      "    points: 30\n"
      "    counts: {stage_reached: signed}\n"
      "    quality: {required: [goal]}\n"
      "salary_levels:\n"
      "  - {from_points: 100, base: 10000}\n"
      "sales_plan: 200000\n"
      "sales_percent:\n"
      "  - {from_plan_percent: 0, percent: 10}\n"
      "  - {from_plan_percent: 0, percent: 15}\n";
  auto messages = LintScheme(yaml, "m.yaml", {"incoming", "screening", "won"});
  std::vector<std::string> text;
  for (const auto& m : messages) text.push_back(m.ToString());
  EXPECT_EQ(text, (std::vector<std::string>{
                      "m.yaml:4:1: unknown key 'bonus' in the scheme (allowed: code, name, points_plan, actions, "
                      "salary_levels, sales_plan, sales_percent)",
                      "m.yaml:8:13: action 'call': 'points' must be a whole number from 0 to 10000",
                      "m.yaml:9:24: action 'call': unknown activity type 'phonecall' (call, meeting, email, note, "
                      "visit, message)",
                      "m.yaml:13:29: action 'won': 'signed' is not a stage of the funnel (incoming, screening, won)",
                      "m.yaml:14:25: action 'won': 'required' fields apply to activities only",
                      "m.yaml:16:19: salary level 1: the first level starts from 0 points",
                      "m.yaml:20:25: sales tier 2: tiers must go up",
                  }));
  EXPECT_FALSE(LoadScheme(yaml, "m.yaml", {"won"}).ok());
}

}  // namespace
}  // namespace voronka::analytics
