#pragma once
// The engine's working-time arithmetic backed by a business calendar.

#include "process/calendar.h"
#include "process/engine.h"

namespace voronka::process {

class CalendarWorkTime final : public WorkTime {
 public:
  explicit CalendarWorkTime(const BusinessCalendar& calendar) : calendar_(calendar) {}
  TimeMs AddWorkingMinutes(TimeMs from, int64_t minutes) const override {
    return calendar_.AddWorkingMinutes(from, minutes);
  }
  TimeMs AddBusinessDays(TimeMs from, int days) const override { return calendar_.AddBusinessDays(from, days); }

 private:
  const BusinessCalendar& calendar_;
};

// The department's default: the Russian production calendar, Europe/Moscow, 09:00–18:00.
inline const WorkTime& DefaultWorkTime() {
  static const CalendarWorkTime wt(BusinessCalendar::RussianDefault());
  return wt;
}

}  // namespace voronka::process
