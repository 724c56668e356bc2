// Department calendars and production calendars (process/calendar): the linters and the loader
// take any text; a calendar that loads answers questions about time without failing.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "process/calendar.h"

using namespace voronka;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  (void)process::LintCalendar(yaml, "fuzz.yaml");
  (void)process::LintProductionCalendar(yaml, "ru_2026.yaml");
  auto cal = process::BusinessCalendar::FromYaml(yaml, "fuzz.yaml");
  if (cal.ok()) {
    const TimeMs t = 1764000000000;  // 2025-11-24
    (void)cal.value().IsWorkingTime(t);
    (void)cal.value().NextWorkingTime(t);
    // The documented invariant: 90 working minutes after t are 90 working minutes away.
    TimeMs due = cal.value().AddWorkingMinutes(t, 90);
    if (due != process::BusinessCalendar::kNever && cal.value().WorkingMinutesBetween(t, due) != 90) std::abort();
    (void)cal.value().AddBusinessDays(t, 3);
  }
  return 0;
}
