#pragma once
// The deviation report on stored data: the process's tasks of a pipeline (their kind is the
// rule's code) due in the period, assigned to someone in the viewer's read scope, through the
// pure report (deviations.h); with the deviations raised per rule and names for the UI.
// Reads the tasks table per request; a rollup can replace LoadRuleTasks later.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/deviations.h"
#include "analytics/funnel_store.h"
#include "storage/db.h"

namespace voronka::analytics {

struct DeviationRequest {
  std::string pipeline = "it_studio";
  Period period;
  std::string period_label;
  std::optional<int64_t> manager;  // only this assignee
};

// pipeline, month or from/to (as the funnel), manager; kInvalid naming the parameter.
Result<DeviationRequest> ParseDeviationRequest(const ParamReader& param, TimeMs now);

std::vector<RuleTask> LoadRuleTasks(storage::Tx& tx, const DeviationRequest& request,
                                    const std::optional<std::vector<int64_t>>& scope);

// {"pipeline", "period": {from, to, label}, "managers": [{user_id, name}], "rules": [{code,
//  title: {ru, en}, stage, checkpoint, deviations_raised, total: counts, managers: {user_id: counts}}]};
// counts: {due, on_time, late, missed, open}.
nlohmann::json DeviationReport(storage::Tx& tx, const DeviationRequest& request,
                               const std::optional<std::vector<int64_t>>& scope, TimeMs now);

// The tasks (and cards) behind a cell: {"rule", "outcome", "total", "items": [{task_id, title,
// deal_id, deal_title, assignee_id, assignee_name, due_at, done_at, outcome}]} (first 500).
nlohmann::json DeviationCards(storage::Tx& tx, const DeviationRequest& request,
                              const std::optional<std::vector<int64_t>>& scope, TimeMs now, const std::string& rule,
                              std::optional<RuleOutcome> outcome);

}  // namespace voronka::analytics
