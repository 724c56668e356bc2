#include "analytics/norms.h"

#include <gtest/gtest.h>

#include "analytics/history.h"

namespace voronka::analytics {
namespace {

const std::vector<std::string> kStages = {"incoming", "contact", "presentation", "won"};

std::string Problems(const std::string& yaml) {
  std::string out;
  for (const auto& m : LintNorms(yaml, "norms.yaml", kStages)) out += m.ToString() + "\n";
  return out;
}

TEST(Norms, TheShippedFileLoads) {
  auto n = LoadNorms(DefaultNormsYaml(), "processes/norms/it_studio.yaml", MainPath("it_studio"));
  ASSERT_TRUE(n.ok()) << n.error().message;
  ASSERT_EQ(n.value().norms.size(), 5u);
  EXPECT_EQ(n.value().norms[0].code, "calls");
  EXPECT_EQ(n.value().norms[0].activity, "call");
  EXPECT_EQ(n.value().norms[4].per_day_x100, 25);
  EXPECT_EQ(n.value().norms[4].stage_reached, "won");
  EXPECT_EQ(n.value().working_days, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(n.value().start_minute, 9 * 60);
}

TEST(Norms, EveryProblemIsNamedWithItsLine) {
  std::string yaml =
      "code: x\n"
      "name: {ru: Нормы, en: Norms}\n"
      "working_days: [1, 8, 1]\n"
      "working_hours: {start: \"18:00\", end: \"09:00\"}\n"
      "colour: red\n"
      "norms:\n"
      "  - code: calls\n"
      "    name: {ru: Звонки, en: Calls}\n"
      "    per_day: -3\n"
      "    counts: {activity: fax}\n"
      "  - code: calls\n"
      "    name: {ru: Звонки}\n"
      "    per_day: 0.125\n"
      "    counts: {stage_reached: heaven}\n";
  EXPECT_EQ(Problems(yaml),
            "norms.yaml:5:1: unknown key 'colour' in the norms (allowed: code, name, working_days, working_hours, norms)\n"
            "norms.yaml:3:19: working_days: '8' is not a weekday from 1 (Monday) to 7 (Sunday)\n"
            "norms.yaml:3:22: working_days: 1 is listed twice\n"
            "norms.yaml:4:38: working_hours: the end must be after the start\n"
            "norms.yaml:9:14: norm 'calls': 'per_day' must be a number from 0 to 1000 with at most two decimals, like 20 or 0.25\n"
            "norms.yaml:10:24: norm 'calls': unknown activity type 'fax' (call, meeting, email, note, visit, message)\n"
            "norms.yaml:11:11: norm code 'calls' is used twice\n"
            "norms.yaml:12:11: norm 'calls' name needs 'en'\n"
            "norms.yaml:13:14: norm 'calls': 'per_day' must be a number from 0 to 1000 with at most two decimals, like 20 or 0.25\n"
            "norms.yaml:14:29: norm 'calls': 'heaven' is not a stage of the funnel (incoming, contact, presentation, won)\n");
  EXPECT_EQ(Problems("norms: [\n"), "norms.yaml:2:1: end of sequence flow not found\n");
  auto bad = LoadNorms("code: x\n", "norms.yaml", kStages);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "yaml");
  EXPECT_EQ(bad.error().extra["problems"][0]["line"], 1);
}

Norms Sample() {
  Norms n;
  n.working_days = {1, 2, 3, 4, 5};
  n.norms = {{"calls", "Звонки", "Calls", 2000, "call", ""}, {"deals", "Сделки", "Deals", 25, "", "won"}};
  return n;
}

// 2026-11-25 is a Wednesday; Moscow is UTC+3.
constexpr TimeMs kWednesday1330Msk = 1'795'602'600'000;  // 2026-11-25T10:30:00Z

TEST(Norms, TheClockKnowsTheWorkingWeek) {
  auto c = ClockFor(Sample(), kWednesday1330Msk);
  EXPECT_EQ(c.day_start, kWednesday1330Msk - (13 * 60 + 30) * 60'000LL);
  EXPECT_EQ(c.day_end - c.day_start, 24 * 3600'000LL);
  EXPECT_EQ(c.week_start, c.day_start - 2 * 24 * 3600'000LL);
  EXPECT_TRUE(c.workday);
  EXPECT_EQ(c.workdays_before, 2);
  EXPECT_EQ(c.workdays_in_week, 5);
  EXPECT_EQ(c.day_share_permille, 500);  // 4.5 of 9 working hours
  auto saturday = ClockFor(Sample(), kWednesday1330Msk + 3 * 24 * 3600'000LL);
  EXPECT_FALSE(saturday.workday);
  EXPECT_EQ(saturday.workdays_before, 5);
  EXPECT_EQ(saturday.day_share_permille, 0);
}

TEST(Norms, BehindWhenFewerThanDueByNow) {
  auto c = ClockFor(Sample(), kWednesday1330Msk);
  // By 13:30 on Wednesday: 10 calls today, 50 this week; a quarter of a deal a day is 0.625 → none due.
  auto s = CompareNorms(Sample(), c, {{"calls", 10}}, {{"calls", 50}});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].today_norm_x100, 2000);
  EXPECT_EQ(s[0].today_expected_x100, 1000);
  EXPECT_EQ(s[0].week_norm_x100, 10000);
  EXPECT_EQ(s[0].week_expected_x100, 5000);
  EXPECT_FALSE(s[0].behind);
  EXPECT_EQ(s[1].week_expected_x100, 62);
  EXPECT_FALSE(s[1].behind);
  // One call short today.
  EXPECT_TRUE(CompareNorms(Sample(), c, {{"calls", 9}}, {{"calls", 60}})[0].behind);
  // Ahead today, short for the week.
  EXPECT_TRUE(CompareNorms(Sample(), c, {{"calls", 30}}, {{"calls", 49}})[0].behind);
  // Saturday: nothing due today, the week's five days are.
  auto sat = CompareNorms(Sample(), ClockFor(Sample(), kWednesday1330Msk + 3 * 24 * 3600'000LL), {}, {{"calls", 100}});
  EXPECT_EQ(sat[0].today_norm_x100, 0);
  EXPECT_EQ(sat[0].week_expected_x100, 10000);
  EXPECT_FALSE(sat[0].behind);
  EXPECT_TRUE(sat[1].behind);  // 1.25 deals due, none made
}

}  // namespace
}  // namespace voronka::analytics
