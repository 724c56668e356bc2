#pragma once
// The department's business calendar: in which time zone it works, its working hours, its
// weekly days off and its public holidays (the Russian production calendar, shipped as
// processes/calendars/ru_YYYY.yaml). Deadlines ("30 working minutes", "2 business days") and
// time in stage are measured with it.
//
// All functions are pure: they take instants (TimeMs, UTC) and return instants. A
// BusinessCalendar is immutable once built, so one instance may be shared by any number of
// threads. The time-zone rules come from the OS tz database (date::date-tz), which the date
// library loads lazily and thread-safely on first use.
//
// Working time of a day is the half-open local interval [start, end); on a short (pre-holiday)
// day it is [start, end - 1 h). Working hours do not cross midnight ("00:00"–"24:00" is the
// whole day). Local times that a daylight-saving jump skips map to the instant of the jump.
//
// Years for which no production calendar is shipped (before 2025, after 2027) have no public
// holidays: only the weekly days off and the department's extra holidays apply. Use
// HasProductionCalendar() to tell the user when a date falls in such a year.

#include <date/date.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/lint.h"
#include "common/result.h"
#include "common/time.h"

namespace date {
class time_zone;
}

namespace voronka::process {

// Department calendar YAML (every key optional; unknown keys are errors):
//   time_zone: Europe/Moscow                       # IANA name
//   working_hours: {start: "09:00", end: "18:00"}  # HH:MM, end after start, end up to 24:00
//   days_off: [saturday, sunday]                   # English day names; at least one day working
//   production_calendar: ru                        # "ru" (shipped ru_YYYY files) or "none"
//   extra_holidays: [2026-12-31]                   # YYYY-MM-DD, non-working for this department
class BusinessCalendar {
 public:
  // Returned when no working time exists within ~10 years of the starting point (only possible
  // with a pathological extra_holidays list).
  static constexpr TimeMs kNever = std::numeric_limits<TimeMs>::max();

  // Parses and validates a department calendar. Returns Error kInvalid, field "calendar", whose
  // message is JoinLint(LintCalendar(yaml, file_name)) when there is any problem.
  static Result<BusinessCalendar> FromYaml(std::string_view yaml, std::string_view file_name);

  // Europe/Moscow, 09:00–18:00, Saturday and Sunday off, the shipped Russian production
  // calendar. Built once on first use.
  static const BusinessCalendar& RussianDefault();

  // True if `name` is an IANA time zone known to the tz database (e.g. "Asia/Vladivostok").
  static bool IsKnownTimeZone(std::string_view name);

  std::string_view time_zone() const { return time_zone_name_; }

  // True if the department works on this local date (a shortened day counts as working).
  // False for an invalid date such as 2026-02-30.
  bool IsWorkingDay(date::year_month_day day) const;

  // True if the production calendar this department uses has data for the year.
  bool HasProductionCalendar(date::year year) const;

  // True if `t` lies inside the working hours of a working day.
  bool IsWorkingTime(TimeMs t) const;

  // `t` itself if it is working time, else the start of the next working period (kNever if none).
  TimeMs NextWorkingTime(TimeMs t) const;

  // The instant at which `minutes` working minutes have passed since `from`, counting only
  // working time. A deadline that uses up a day exactly ends at that day's closing time (30
  // minutes from 17:30 is 18:00 the same day). minutes <= 0 gives NextWorkingTime(from).
  // Invariant: WorkingMinutesBetween(from, AddWorkingMinutes(from, m)) == m for m >= 0.
  TimeMs AddWorkingMinutes(TimeMs from, int64_t minutes) const;

  // "Due in N business days": the same local time of day on the N-th working day after the day
  // of `from`. If `from` is outside working time, counting starts from NextWorkingTime(from).
  // The result is clamped into that day's working hours (17:30 on a short day that ends at
  // 17:00 gives 17:00). days <= 0 gives NextWorkingTime(from).
  TimeMs AddBusinessDays(TimeMs from, int days) const;

  // Working time between two instants, in whole minutes (rounded towards zero). Negative when
  // b is before a: WorkingMinutesBetween(a, b) == -WorkingMinutesBetween(b, a).
  int64_t WorkingMinutesBetween(TimeMs a, TimeMs b) const;

  // When to call a client: the intervals [begin, end), in order and not touching, from `now` to
  // the end of our local day `days - 1` days after today (days = 1: the rest of today), during
  // which it is working time for `ours` AND 10:00–19:00 on a Monday–Friday in `client_tz` (the
  // client's public holidays are not known and not considered). An empty or unknown `client_tz`
  // is taken to be our own time zone. days <= 0 gives no intervals.
  static std::vector<std::pair<TimeMs, TimeMs>> SuggestCallWindows(TimeMs now, std::string_view client_tz,
                                                                   const BusinessCalendar& ours, int days);

 private:
  enum DayKind : uint8_t { kOff, kFull, kShort };
  struct Window {
    TimeMs open = 0;
    TimeMs close = 0;  // open < close for a working day
  };

  BusinessCalendar() = default;

  DayKind Kind(date::sys_days day) const;
  // Working period of the local date `day`; false for a day without working time.
  bool WindowOf(date::sys_days day, Window* out) const;
  date::sys_days LocalDay(TimeMs t) const;

  const date::time_zone* zone_ = nullptr;
  std::string time_zone_name_;
  int start_minute_ = 9 * 60;
  int end_minute_ = 18 * 60;
  std::array<bool, 7> day_off_{};  // by weekday, 0 = Sunday
  // Precomputed day kinds from table_start_ (January 1 of the first year with production data or
  // extra holidays) to the end of the last such year; dates outside follow the weekly rule alone.
  date::sys_days table_start_{};
  std::vector<DayKind> table_;
  std::vector<int> production_years_;
};

// Every problem of a department calendar YAML, each with file:line:column (1-based), in
// document order. Empty when the calendar is valid.
std::vector<LintMessage> LintCalendar(std::string_view yaml, std::string_view file_name);

// Every problem of a production calendar file (year, holidays, workdays, short_days; all dates in
// that year; a date cannot be both a holiday and a workday). Used for the shipped ru_YYYY files.
std::vector<LintMessage> LintProductionCalendar(std::string_view yaml, std::string_view file_name);

}  // namespace voronka::process
