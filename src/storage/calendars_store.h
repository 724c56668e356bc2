#pragma once
// Department calendars. A team (department) may work to its own business calendar — time
// zone, working hours, days off, holidays — stored as the YAML its head edits
// (teams.calendar_yaml, see process/calendar.h for the format). A user's deadlines are measured
// in the calendar of their team; without one, in the company default.

#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "process/calendar.h"
#include "process/engine.h"
#include "storage/db.h"
#include "storage/records.h"

namespace voronka::storage {

// The calendar of the user's team; nullptr when the team has none (or the user has no team).
// Parsed calendars are shared and cached by their text, so this is cheap to call often.
std::shared_ptr<const process::BusinessCalendar> UserCalendar(Tx& tx, int64_t user_id);
std::shared_ptr<const process::WorkTime> UserWorkTime(Tx& tx, int64_t user_id);

// The team's calendar YAML; nullopt when it uses the company default. kNotFound for no team.
Result<std::optional<std::string>> TeamCalendar(Tx& tx, int64_t team_id);

// Stores (or, with nullopt, removes) the team's calendar. kInvalid, field "calendar", with
// every lint message (file:line:column) in extra.problems when the YAML is not valid.
Status SetTeamCalendar(Tx& tx, int64_t team_id, const std::optional<std::string>& yaml, const Actor& actor);

}  // namespace voronka::storage
