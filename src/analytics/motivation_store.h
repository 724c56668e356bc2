#pragma once
// The motivation sheet of a month on stored data: the month's actions (history.h) through the
// shipped scheme (motivation.h), each manager's sales plan from the month's saved plan.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/motivation.h"
#include "storage/db.h"

namespace voronka::analytics {

// {"month", "scheme": {code, name, points_plan, actions, levels, tiers}, "rows": [payroll rows],
//  "plan_saved": bool}. Rows: managers in `scope` (nullopt = all) who are active or acted
// that month, in leaderboard order.
nlohmann::json MotivationSheet(storage::Tx& tx, const std::string& month,
                               const std::optional<std::vector<int64_t>>& scope);

nlohmann::json SchemeToJson(const Scheme& scheme);

}  // namespace voronka::analytics
