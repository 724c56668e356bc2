#pragma once
// For tests: working time = wall time, a business day = 24 h, so that expected times stay
// obvious; the calendar's own tests cover real working hours.

#include "process/work_time.h"

namespace voronka::process {

class PlainTime : public WorkTime {
 public:
  TimeMs AddWorkingMinutes(TimeMs from, int64_t m) const override { return from + m * 60'000; }
  TimeMs AddBusinessDays(TimeMs from, int d) const override { return from + int64_t(d) * 86'400'000; }
};

}  // namespace voronka::process
