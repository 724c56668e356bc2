#pragma once
// Daily norms of the sales managers (issue 7, item 3): calls, meetings, visits, proposals, deals
// per manager per working day, in YAML the head edits (processes/norms/it_studio.yaml is the
// shipped default), and the comparison with what was recorded today and this week.
// Pure: the caller gives the YAML, the counts and `now`.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/lint.h"
#include "common/result.h"
#include "common/time.h"

namespace voronka::analytics {

struct Norm {
  std::string code, name_ru, name_en;
  int64_t per_day_x100 = 0;   // hundredths: 0.25 deals a day is 25
  std::string activity;       // counts activities of this type, or
  std::string stage_reached;  // cards first reaching this stage of the funnel
};

struct Norms {
  std::string code, name_ru, name_en;
  std::vector<int> working_days;     // ISO weekdays, 1 = Monday
  int start_minute = 9 * 60, end_minute = 18 * 60;  // of the working day, Moscow time
  std::vector<Norm> norms;
};

// Every problem with file:line:column: unknown keys, missing names, a negative or malformed
// per_day (at most two decimals), unknown activity types or stages (`stages`: the funnel's stage
// codes), repeated codes, bad weekdays or hours.
std::vector<LintMessage> LintNorms(std::string_view yaml, std::string_view file, const std::vector<std::string>& stages);
// kInvalid with the lint messages joined and extra {"problems": [{line, column, message}]}.
Result<Norms> LoadNorms(std::string_view yaml, std::string_view file, const std::vector<std::string>& stages);

// The shipped norms (processes/norms/it_studio.yaml); throws if they do not load.
const std::string& DefaultNormsYaml();

nlohmann::json NormsToJson(const Norms& norms);

// Where `now` falls in the working week (Europe/Moscow).
struct NormClock {
  TimeMs day_start = 0, day_end = 0;  // today, [start, end)
  TimeMs week_start = 0;              // Monday 00:00 of this week
  bool workday = false;               // today is one of the working days
  int workdays_before = 0;            // working days of this week before today
  int workdays_in_week = 0;
  int day_share_permille = 0;         // how much of today's working hours has passed (0 on a day off)
};
NormClock ClockFor(const Norms& norms, TimeMs now);

// One norm for one manager: norms in hundredths; expected = the norm for the time passed.
struct NormStatus {
  std::string code;
  int64_t today = 0, week = 0;                  // recorded
  int64_t today_norm_x100 = 0, week_norm_x100 = 0;
  int64_t today_expected_x100 = 0, week_expected_x100 = 0;
  bool behind = false;  // fewer than the whole units expected by now, today or this week
};

// `today` and `week`: recorded counts per norm code (missing: 0).
std::vector<NormStatus> CompareNorms(const Norms& norms, const NormClock& clock, const std::map<std::string, int64_t>& today,
                                     const std::map<std::string, int64_t>& week);

}  // namespace voronka::analytics
