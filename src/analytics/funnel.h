#pragma once
// The funnel report (issue 7, item 2): stage-to-stage conversion and time in stage per step of a
// pipeline's funnel, for a period, grouped by one dimension of the cards.
//
// Pure: the input is the cards' first reaches of the funnel's steps (history.h, Reach) and the
// cards' dimensions; the caller loads them (funnel_store.h) — today from the audit log, later
// from maintained rollups, without changing this computation.
//
// Definitions (per group, per step i of `steps`):
//   cohort  the cards whose first step (steps[0], "leads": created) was reached in the period,
//           followed to wherever they got by the end of the data:
//             entered(i)   = cohort cards that reached step i
//             converted(i) = cohort cards that reached step i and step i + 1
//   flow    what happened in the period, whenever the cards started:
//             entered(i)   = cards whose reach of step i fell in the period
//             converted(i) = cards whose reach of step i + 1 fell in the period and that had
//                            reached step i (the transitions i → i + 1 of the period); the
//                            conversion may pass 100 % when earlier entrants move on
//   conversion(i) = converted(i) / entered(i) in permille, rounded half up; none on the last
//                   step or when nobody entered.
//   time in step i = reach(i + 1) − reach(i) over the cards counted in converted(i) (0 when the
//                   card skipped the step); median and p90 by the nearest-rank method.
// A card's reach of a step is the earliest Reach with that step; reaches of steps not in `steps`
// and of cards without dimensions are ignored.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analytics/history.h"
#include "common/result.h"

namespace voronka::analytics {

enum class FunnelMode { kCohort, kFlow };
enum class FunnelDimension { kNone, kManager, kProduct, kRegion, kChannel, kSegment };

// "cohort"/"flow", "none"/"manager"/…; kInvalid naming the parameter otherwise.
Result<FunnelMode> ParseFunnelMode(const std::string& text);
Result<FunnelDimension> ParseFunnelDimension(const std::string& text);
std::string FunnelDimensionName(FunnelDimension d);

// A card's dimensions. `manager`: whom the card's numbers belong to (funnel_store.h says who).
struct FunnelCard {
  int64_t deal_id = 0;
  int64_t manager = 0;
  std::string product, region, channel, segment;  // "" when not filled
};

// The card's value of a dimension as a group key ("" for kNone; the manager's id as text).
std::string FunnelGroupKey(const FunnelCard& card, FunnelDimension d);

struct FunnelQuery {
  FunnelMode mode = FunnelMode::kCohort;
  Period period;
  FunnelDimension group_by = FunnelDimension::kNone;
  std::vector<std::string> steps;  // in funnel order, e.g. {"leads", "incoming", …, "won"}
};

struct FunnelCell {
  int64_t entered = 0;
  int64_t converted = 0;
  std::optional<int> conversion_permille;
  std::optional<int64_t> median_ms, p90_ms;  // time in the step; none when nobody converted
};

struct FunnelRow {
  std::string key;               // the group's value ("" for the total and for unfilled values)
  std::vector<FunnelCell> cells;  // one per step
};

struct FunnelTable {
  std::vector<std::string> steps;
  FunnelRow total;
  std::vector<FunnelRow> groups;  // by key, ascending; empty when group_by is kNone
};

FunnelTable ComputeFunnel(const FunnelQuery& query, const std::vector<Reach>& reaches,
                          const std::map<int64_t, FunnelCard>& cards);

// The cards behind one cell, ascending by id: those counted in entered (converted = false) or in
// converted (converted = true) of `step` for the group `group_key` (all groups when nullopt).
// kInvalid when `step` is not one of the query's steps.
Result<std::vector<int64_t>> FunnelCellCards(const FunnelQuery& query, const std::vector<Reach>& reaches,
                                             const std::map<int64_t, FunnelCard>& cards,
                                             const std::optional<std::string>& group_key, const std::string& step,
                                             bool converted);

// Nearest-rank percentile (1…100) of unsorted values; none when empty.
std::optional<int64_t> NearestRank(std::vector<int64_t> values, int percentile);

}  // namespace voronka::analytics
