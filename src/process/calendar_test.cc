#include "process/calendar.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

namespace voronka::process {

std::vector<std::pair<std::string_view, std::string_view>> EmbeddedCalendars();

namespace {

using namespace date::literals;

const BusinessCalendar& Ru() { return BusinessCalendar::RussianDefault(); }

// "2026-03-13T17:50" as Moscow local time (UTC+3 all year).
TimeMs Msk(std::string_view local) { return *ParseIso(std::string(local) + "+03:00"); }

// An instant as the user sees it in `zone`: "2026-03-16 Mon 09:20".
std::string Local(TimeMs t, const char* zone = "Europe/Moscow") {
  auto tp = date::floor<std::chrono::minutes>(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{t}});
  return date::format("%F %a %H:%M", date::make_zoned(zone, tp));
}

std::string Windows(const std::vector<std::pair<TimeMs, TimeMs>>& windows, const char* zone = "Europe/Moscow") {
  std::string out;
  for (const auto& [begin, end] : windows)
    out += (out.empty() ? "" : "; ") + Local(begin, zone) + "–" + Local(end, zone).substr(15);
  return out;
}

BusinessCalendar Parse(std::string_view yaml) {
  auto calendar = BusinessCalendar::FromYaml(yaml, "test.yaml");
  EXPECT_TRUE(calendar.ok()) << calendar.error().message;
  return std::move(calendar).value();
}

TEST(CalendarDeadline, ThirtyMinutesFromFridayEveningAreDueMondayMorning) {
  EXPECT_EQ(Local(Ru().AddWorkingMinutes(Msk("2026-03-13T17:50"), 30)), "2026-03-16 Mon 09:20");
  // A request that arrives on Saturday waits for Monday's opening.
  EXPECT_EQ(Local(Ru().AddWorkingMinutes(Msk("2026-03-14T11:00"), 30)), "2026-03-16 Mon 09:30");
  // Using up the day exactly ends at closing time, not the next morning.
  EXPECT_EQ(Local(Ru().AddWorkingMinutes(Msk("2026-03-13T17:30"), 30)), "2026-03-13 Fri 18:00");
}

TEST(CalendarDeadline, ThirtyMinutesAcrossTheNewYearHolidays) {
  // December 30, 2025 is a full day (December 31 is a moved day off, not a holiday); work resumes
  // on January 12, 2026.
  EXPECT_EQ(Local(Ru().AddWorkingMinutes(Msk("2025-12-30T17:45"), 30)), "2026-01-12 Mon 09:15");
  EXPECT_EQ(Local(Ru().AddWorkingMinutes(Msk("2026-12-30T17:45"), 30)), "2027-01-11 Mon 09:15");
  EXPECT_EQ(Local(Ru().NextWorkingTime(Msk("2026-01-05T10:00"))), "2026-01-12 Mon 09:00");
}

TEST(CalendarDeadline, TwoBusinessDaysFromAFridayPresentation) {
  EXPECT_EQ(Local(Ru().AddBusinessDays(Msk("2026-03-13T15:00"), 2)), "2026-03-17 Tue 15:00");
  // Monday March 9, 2026 is the day off moved from Sunday March 8.
  EXPECT_EQ(Local(Ru().AddBusinessDays(Msk("2026-03-06T15:00"), 2)), "2026-03-11 Wed 15:00");
  // Presented after hours: counting starts at Monday's opening.
  EXPECT_EQ(Local(Ru().AddBusinessDays(Msk("2026-03-13T19:30"), 2)), "2026-03-18 Wed 09:00");
  // 17:30 on Tuesday → Thursday April 30, a short day that ends at 17:00.
  EXPECT_EQ(Local(Ru().AddBusinessDays(Msk("2026-04-28T17:30"), 2)), "2026-04-30 Thu 17:00");
}

TEST(CalendarDays, AWorkingSaturdayByDecreeCounts) {
  EXPECT_TRUE(Ru().IsWorkingDay(2025_y / 11 / 1));   // Saturday, working (day off moved to Monday)
  EXPECT_FALSE(Ru().IsWorkingDay(2025_y / 11 / 3));  // that Monday
  EXPECT_FALSE(Ru().IsWorkingDay(2025_y / 11 / 8));  // an ordinary Saturday
  EXPECT_FALSE(Ru().IsWorkingDay(2026_y / 2 / 30));  // no such date
  EXPECT_TRUE(Ru().IsWorkingTime(Msk("2025-11-01T10:00")));
  EXPECT_EQ(Local(Ru().AddWorkingMinutes(Msk("2025-10-31T17:30"), 60)), "2025-11-01 Sat 09:30");
  EXPECT_EQ(Local(Ru().AddBusinessDays(Msk("2025-10-31T12:00"), 1)), "2025-11-01 Sat 12:00");
  // November 1, 2025 is also pre-holiday: it ends at 17:00, then Sunday to Tuesday are off.
  EXPECT_EQ(Local(Ru().AddWorkingMinutes(Msk("2025-11-01T16:30"), 60)), "2025-11-05 Wed 09:30");
}

TEST(CalendarDays, AShortPreHolidayDayEndsAtSeventeen) {
  EXPECT_TRUE(Ru().IsWorkingTime(Msk("2026-04-30T16:59")));
  EXPECT_FALSE(Ru().IsWorkingTime(Msk("2026-04-30T17:00")));
  EXPECT_TRUE(Ru().IsWorkingTime(Msk("2026-04-29T17:30")));  // the day before is a full day
  EXPECT_EQ(Local(Ru().AddWorkingMinutes(Msk("2026-04-30T16:30"), 60)), "2026-05-04 Mon 09:30");
  EXPECT_EQ(Local(Ru().NextWorkingTime(Msk("2026-04-30T17:10"))), "2026-05-04 Mon 09:00");
}

TEST(CalendarDays, ShippedYearsMatchTheOfficialNorms) {
  auto working_days = [](int y) {
    int n = 0;
    for (auto d = date::sys_days{date::year{y} / 1 / 1}; d < date::sys_days{date::year{y + 1} / 1 / 1};
         d += date::days{1})
      n += Ru().IsWorkingDay(date::year_month_day{d});
    return n;
  };
  EXPECT_EQ(working_days(2025), 247);
  EXPECT_EQ(working_days(2026), 247);
  // The official 40-hour-week norm (8-hour days, short days 7 hours): 1972 hours in 2025 and 2026.
  BusinessCalendar eight_hours = Parse("working_hours: {start: \"09:00\", end: \"17:00\"}\n");
  EXPECT_EQ(eight_hours.WorkingMinutesBetween(Msk("2025-01-01T00:00"), Msk("2026-01-01T00:00")), 1972 * 60);
  EXPECT_EQ(eight_hours.WorkingMinutesBetween(Msk("2026-01-01T00:00"), Msk("2027-01-01T00:00")), 1972 * 60);
  // The default 09:00–18:00 has no lunch break: 9-hour days.
  EXPECT_EQ(Ru().WorkingMinutesBetween(Msk("2026-01-01T00:00"), Msk("2027-01-01T00:00")), (247 * 9 - 4) * 60);
  for (const auto& [name, text] : EmbeddedCalendars())
    EXPECT_EQ(JoinLint(LintProductionCalendar(text, name)), "") << name;
  EXPECT_TRUE(Ru().HasProductionCalendar(2027_y));
  // Without data, only weekends: January 3, 2028 is an ordinary Monday.
  EXPECT_FALSE(Ru().HasProductionCalendar(2028_y));
  EXPECT_TRUE(Ru().IsWorkingDay(2028_y / 1 / 3));
  EXPECT_FALSE(Ru().IsWorkingDay(2028_y / 1 / 1));
}

TEST(CalendarZones, ADepartmentInAnotherTimeZone) {
  BusinessCalendar novosibirsk = Parse("time_zone: Asia/Novosibirsk\n");
  EXPECT_EQ(novosibirsk.time_zone(), "Asia/Novosibirsk");
  TimeMs monday_0500z = *ParseIso("2026-03-16T05:00Z");  // 08:00 in Moscow, 12:00 in Novosibirsk
  EXPECT_FALSE(Ru().IsWorkingTime(monday_0500z));
  EXPECT_TRUE(novosibirsk.IsWorkingTime(monday_0500z));
  EXPECT_EQ(Local(novosibirsk.AddWorkingMinutes(*ParseIso("2026-03-13T10:50Z"), 30), "Asia/Novosibirsk"),
            "2026-03-16 Mon 09:20");

  // Berlin switches to summer time on March 29, 2026; Russian holidays do not apply.
  BusinessCalendar berlin = Parse(
      "time_zone: Europe/Berlin\n"
      "working_hours: {start: \"08:00\", end: \"17:00\"}\n"
      "production_calendar: none\n");
  TimeMs friday = *ParseIso("2026-03-27T16:50+01:00");
  TimeMs due = berlin.AddWorkingMinutes(friday, 30);
  EXPECT_EQ(Local(due, "Europe/Berlin"), "2026-03-30 Mon 08:20");
  EXPECT_EQ(FormatIso(due), "2026-03-30T06:20:00Z");
  EXPECT_TRUE(berlin.IsWorkingDay(2026_y / 3 / 9));
  EXPECT_FALSE(Ru().IsWorkingDay(2026_y / 3 / 9));
}

TEST(CalendarZones, CallWindowsForAVladivostokClientAreOnlyTheOverlap) {
  // Vladivostok is UTC+10, seven hours ahead of Moscow: the client's 10:00–19:00 is 03:00–12:00
  // in Moscow, so only our 09:00–12:00 (their 16:00–19:00) is left.
  auto windows = BusinessCalendar::SuggestCallWindows(Msk("2026-03-16T08:00"), "Asia/Vladivostok", Ru(), 2);
  EXPECT_EQ(Windows(windows), "2026-03-16 Mon 09:00–12:00; 2026-03-17 Tue 09:00–12:00");
  EXPECT_EQ(Windows(windows, "Asia/Vladivostok"), "2026-03-16 Mon 16:00–19:00; 2026-03-17 Tue 16:00–19:00");
  // From Friday 11:00: the rest of Friday's overlap, nothing at the weekend, then Monday.
  EXPECT_EQ(Windows(BusinessCalendar::SuggestCallWindows(Msk("2026-03-20T11:00"), "Asia/Vladivostok", Ru(), 4)),
            "2026-03-20 Fri 11:00–12:00; 2026-03-23 Mon 09:00–12:00");
  // Our holiday (Monday March 9) is skipped even though it is a weekday for the client.
  EXPECT_EQ(Windows(BusinessCalendar::SuggestCallWindows(Msk("2026-03-06T08:00"), "Asia/Vladivostok", Ru(), 5)),
            "2026-03-06 Fri 09:00–12:00; 2026-03-10 Tue 09:00–12:00");
  // A client in Kaliningrad (UTC+2) starts an hour later and ends after us.
  EXPECT_EQ(Windows(BusinessCalendar::SuggestCallWindows(Msk("2026-03-16T08:00"), "Europe/Kaliningrad", Ru(), 1)),
            "2026-03-16 Mon 11:00–18:00");
  EXPECT_TRUE(BusinessCalendar::SuggestCallWindows(Msk("2026-03-16T08:00"), "Asia/Vladivostok", Ru(), 0).empty());
}

TEST(CalendarProperty, WorkingMinutesBetweenAgreesWithAddWorkingMinutes) {
  const BusinessCalendar berlin =
      Parse("time_zone: Europe/Berlin\nworking_hours: {start: \"08:00\", end: \"17:00\"}\n");
  std::mt19937_64 random(20260316);
  std::uniform_int_distribution<TimeMs> instant(*ParseIso("2024-12-01T00:00Z"), *ParseIso("2028-02-01T00:00Z"));
  std::uniform_int_distribution<int64_t> minutes(0, 6000);
  for (const BusinessCalendar* calendar : {&Ru(), &berlin}) {
    for (int i = 0; i < 2000; ++i) {
      TimeMs a = instant(random);
      int64_t m = minutes(random);
      TimeMs due = calendar->AddWorkingMinutes(a, m);
      ASSERT_EQ(calendar->WorkingMinutesBetween(a, due), m) << calendar->time_zone() << " " << FormatIso(a);
      ASSERT_EQ(calendar->WorkingMinutesBetween(due, a), -m);
      if (m > 0) {
        ASSERT_TRUE(calendar->IsWorkingTime(due - 1)) << FormatIso(a) << " +" << m;
      }
      TimeMs b = instant(random);
      if (b < a) std::swap(a, b);
      int64_t between = calendar->WorkingMinutesBetween(a, b);
      if (between == 0) continue;
      TimeMs reached = calendar->AddWorkingMinutes(a, between);
      ASSERT_LE(reached, b);
      ASSERT_EQ(calendar->WorkingMinutesBetween(reached, b), 0) << FormatIso(a) << " " << FormatIso(b);
    }
  }
}

TEST(CalendarLint, ReportsEveryProblemWithItsLine) {
  const char* yaml =
      "# Отдел продаж\n"
      "time_zone: Europe/Moskow\n"
      "working_hours:\n"
      "  start: \"25:00\"\n"
      "  end: \"18:00\"\n"
      "lunch: {start: \"13:00\", end: \"14:00\"}\n"
      "days_off: [saturday, sundey]\n"
      "extra_holidays: [2026-12-31, 2026-02-30]\n";
  EXPECT_EQ(JoinLint(LintCalendar(yaml, "sales.yaml")),
            "sales.yaml:2:12: unknown time zone 'Europe/Moskow' (expected an IANA name such as Europe/Moscow)\n"
            "sales.yaml:4:10: bad time '25:00' in working_hours.start (expected HH:MM from 00:00 to 24:00)\n"
            "sales.yaml:6:1: unknown key 'lunch' (allowed: time_zone, working_hours, days_off, production_calendar, "
            "extra_holidays)\n"
            "sales.yaml:7:22: unknown day 'sundey' in days_off (expected monday, tuesday, wednesday, thursday, friday, "
            "saturday or sunday)\n"
            "sales.yaml:8:30: bad date '2026-02-30' in extra_holidays (expected an existing date as YYYY-MM-DD)");
  auto calendar = BusinessCalendar::FromYaml(yaml, "sales.yaml");
  ASSERT_FALSE(calendar.ok());
  EXPECT_EQ(calendar.error().code, Code::kInvalid);
  EXPECT_EQ(calendar.error().message, JoinLint(LintCalendar(yaml, "sales.yaml")));

  EXPECT_EQ(JoinLint(LintCalendar("working_hours: {start: \"18:00\", end: \"09:00\"}\n", "a.yaml")),
            "a.yaml:1:38: working_hours end 09:00 must be after start 18:00");
  EXPECT_EQ(JoinLint(LintCalendar("days_off: [monday]\ntime_zone: UTC\ndays_off: []\n", "b.yaml")),
            "b.yaml:3:1: duplicate key 'days_off'");
  EXPECT_EQ(JoinLint(LintCalendar("time_zone: Europe/Moscow\nworking_hours: {start: \"09:00\"\n", "c.yaml")),
            "c.yaml:3:1: YAML syntax error: end of map flow not found");
  EXPECT_EQ(JoinLint(LintCalendar("", "empty.yaml")), "");
}

TEST(CalendarLint, ProductionCalendarDatesMustBelongToTheirYear) {
  EXPECT_EQ(JoinLint(LintProductionCalendar("year: 2025\n"
                                            "holidays: [2025-01-01, 2026-01-01]\n"
                                            "workdays: [2025-01-01]\n"
                                            "extra: []\n",
                                            "ru_2025.yaml")),
            "ru_2025.yaml:2:24: date 2026-01-01 in holidays is not in year 2025\n"
            "ru_2025.yaml:3:12: 2025-01-01 is both a holiday and a workday\n"
            "ru_2025.yaml:4:1: unknown key 'extra' (allowed: year, holidays, workdays, short_days)");
}

}  // namespace
}  // namespace voronka::process
