#pragma once
// The month's sales plan on stored data: the base period's counts and average sale from the
// recorded history, the decomposition (plan.h), the saved plan per month and its progress.
// Money is kopecks throughout. Every function runs in the caller's transaction.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/history.h"
#include "analytics/plan.h"
#include "common/result.h"
#include "storage/db.h"

namespace voronka::analytics {

// The steps planned by default for a pipeline: leads, then these stages when the pipeline
// has them, then the won stage (sales).
std::vector<std::string> DefaultPlanSteps(const std::string& pipeline);

// A plan request as the head sends it:
//   {"month": "2026-11", "revenue_plan": kopecks, "break_even": kopecks?, "base_month": "2026-10"?,
//    "average_sale": kopecks?, "pipeline": "it_studio"?, "steps": [stage codes]?,
//    "managers": [{"user_id", "weight"?, "first_day"?}]?}
// Missing base_month: the month before; missing managers: active managers who take leads
// (equal weights); missing average_sale: the base period's. kInvalid naming the field.
Result<nlohmann::json> NormalisePlanRequest(storage::Tx& tx, const nlohmann::json& body);

// Decomposes a normalised request against the recorded history: {"input", "base", "plan"}.
// kUnprocessable (naming the step) when the base period has a zero conversion.
Result<nlohmann::json> ComputePlan(storage::Tx& tx, const nlohmann::json& request);

// Saves the computed plan as the month's plan (replacing an earlier one; version + 1).
nlohmann::json SavePlan(storage::Tx& tx, const nlohmann::json& computed, std::optional<int64_t> author, TimeMs now);
// The saved plan of the month with "version", "saved_at", "author_id"; nullopt when none.
std::optional<nlohmann::json> LoadPlan(storage::Tx& tx, const std::string& month);

// Actuals of a saved plan's month day by day against it: the team's series (users in
// `scope`; nullopt = everyone) and each manager's. `now` decides the elapsed days.
nlohmann::json PlanProgress(storage::Tx& tx, const nlohmann::json& saved,
                            const std::optional<std::vector<int64_t>>& scope, TimeMs now);

}  // namespace voronka::analytics
