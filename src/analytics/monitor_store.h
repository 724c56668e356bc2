#pragma once
// The head's monitor (issue 7, item 3): per user, live — the last action and on which card,
// today's tasks (done, still open, overdue), deviations (on cards still open, and raised today),
// and the daily norms (norms_store.h) against what was recorded today and this week, with who is
// behind. Users: managers and heads in the viewer's read scope (a manager sees own row, a head
// the team, owner, curator and admin everyone); norms apply to managers on the lead rotation.
//
// Reads the tables directly on every request; the UI polls it (about every 30 s). A rollup of
// the day's counts can replace the reads later without changing the answer.

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/time.h"
#include "storage/db.h"

namespace voronka::analytics {

// {"now", "day_start", "week_start", "clock": {workday, workdays_before, workdays_in_week,
//  day_share_permille}, "norms": {version, default, norms…}, "users": [{user_id, name, role,
//  norms_apply, last_action|null, tasks: {done_today, open_today, overdue}, deviations: {open,
//  today}, norms: [{code, today, week, today_norm_x100, week_norm_x100, today_expected_x100,
//  week_expected_x100, behind}], behind}]} — users by name.
nlohmann::json Monitor(storage::Tx& tx, const std::optional<std::vector<int64_t>>& scope, TimeMs now);

}  // namespace voronka::analytics
