#pragma once
// The funnel report on stored data: the request as the API gets it (pipeline, mode, period,
// grouping, filters), the cards and reaches it needs (history.h), the pure computation
// (funnel.h), and the answer with names for the UI and the export.
//
// Whose numbers a card is: the manager who moved it to the furthest step it reached (who
// carried it furthest, as motivation credits the stage reached); its responsible while nobody
// moved it. So a won deal handed over to an account manager stays with the manager who won it.
// Access: only cards whose manager is in the viewer's read scope (a manager: own; a head: the
// team; owner, curator, admin: all). Archived cards are left out.
//
// Source: every request reads the stage history of the cards it needs from the audit log
// (a plain scan). A maintained rollup can later replace LoadFunnelData without touching the
// computation or the answer.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/funnel.h"
#include "common/result.h"
#include "storage/db.h"

namespace voronka::analytics {

struct FunnelRequest {
  std::string pipeline = "it_studio";
  FunnelQuery query;  // steps: "leads" and the pipeline's main path after its first stage
  std::string period_label;  // "2026-11" or "2026-11-01 – 2026-11-15"
  // Dimension name → the only value shown ("manager" → a user id as text).
  std::map<std::string, std::string> filters;
};

using ParamReader = std::function<std::optional<std::string>(const std::string&)>;

// From query parameters: pipeline (default it_studio), mode (cohort|flow, default cohort),
// month=2026-11 or from=2026-11-01&to=2026-11-15 (days inclusive, Europe/Moscow; default this
// month), group (none|manager|product|region|channel|segment, default manager), and filters
// manager, product, region, channel, segment. kInvalid naming the parameter on a bad value.
Result<FunnelRequest> ParseFunnelRequest(const ParamReader& param, TimeMs now);

struct FunnelData {
  std::vector<Reach> reaches;
  std::map<int64_t, FunnelCard> cards;  // in scope and passing the filters
};
FunnelData LoadFunnelData(storage::Tx& tx, const FunnelRequest& request,
                          const std::optional<std::vector<int64_t>>& scope, TimeMs now);

// {"pipeline", "mode", "group", "period": {from, to, label}, "steps": [{code, name: {ru, en}}],
//  "total": row, "groups": [row with "label"]}; row: {key, label, cells: [{entered, converted,
//  conversion_permille|null, median_ms|null, p90_ms|null}]}.
nlohmann::json FunnelReport(storage::Tx& tx, const FunnelRequest& request,
                            const std::optional<std::vector<int64_t>>& scope, TimeMs now);

// The cards behind a cell: {"step", "which", "group_value", "total", "items": [{id, title,
// stage, status, amount, responsible_id, responsible_name, reached_at, next_at}]} (first 500).
// `group_value` nullopt: the total row. kInvalid for an unknown step.
Result<nlohmann::json> FunnelCards(storage::Tx& tx, const FunnelRequest& request,
                                   const std::optional<std::vector<int64_t>>& scope, TimeMs now,
                                   const std::optional<std::string>& group_value, const std::string& step,
                                   bool converted);

// The funnel's step names (ru when `ru`).
std::string FunnelStepName(const std::string& pipeline, const std::string& step, bool ru);

}  // namespace voronka::analytics
