#include "analytics/funnel.h"

#include <algorithm>

namespace voronka::analytics {

namespace {

using Path = std::vector<std::optional<TimeMs>>;  // first reach of each step

std::map<int64_t, Path> Paths(const FunnelQuery& q, const std::vector<Reach>& reaches,
                              const std::map<int64_t, FunnelCard>& cards) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < q.steps.size(); ++i) index.emplace(q.steps[i], i);
  std::map<int64_t, Path> out;
  for (const auto& r : reaches) {
    auto step = index.find(r.step);
    if (step == index.end() || !cards.count(r.deal_id)) continue;
    auto [it, fresh] = out.try_emplace(r.deal_id);
    if (fresh) it->second.resize(q.steps.size());
    auto& at = it->second[step->second];
    if (!at || r.at < *at) at = r.at;
  }
  return out;
}

bool In(const Period& p, const std::optional<TimeMs>& at) { return at && *at >= p.from && *at < p.to; }

// Does the card count in entered(i) / converted(i)?
bool Entered(const FunnelQuery& q, const Path& p, size_t i) {
  if (q.mode == FunnelMode::kCohort) return In(q.period, p[0]) && p[i].has_value();
  return In(q.period, p[i]);
}

bool Converted(const FunnelQuery& q, const Path& p, size_t i) {
  if (i + 1 >= p.size() || !p[i] || !p[i + 1]) return false;
  if (q.mode == FunnelMode::kCohort) return In(q.period, p[0]);
  return In(q.period, p[i + 1]);
}

struct Accumulator {
  std::vector<int64_t> entered, converted;
  std::vector<std::vector<int64_t>> durations;
  explicit Accumulator(size_t n) : entered(n), converted(n), durations(n) {}

  void Add(const FunnelQuery& q, const Path& p) {
    for (size_t i = 0; i < p.size(); ++i) {
      if (Entered(q, p, i)) ++entered[i];
      if (Converted(q, p, i)) {
        ++converted[i];
        durations[i].push_back(std::max<int64_t>(0, *p[i + 1] - *p[i]));
      }
    }
  }

  FunnelRow Row(std::string key) const {
    FunnelRow row{std::move(key), {}};
    for (size_t i = 0; i < entered.size(); ++i) {
      FunnelCell c{entered[i], converted[i], std::nullopt, NearestRank(durations[i], 50),
                   NearestRank(durations[i], 90)};
      if (i + 1 < entered.size() && entered[i] > 0)
        c.conversion_permille = static_cast<int>((converted[i] * 2000 + entered[i]) / (2 * entered[i]));
      row.cells.push_back(std::move(c));
    }
    return row;
  }
};

}  // namespace

Result<FunnelMode> ParseFunnelMode(const std::string& text) {
  if (text == "cohort") return FunnelMode::kCohort;
  if (text == "flow") return FunnelMode::kFlow;
  return Error::Invalid("mode", "mode must be cohort or flow");
}

Result<FunnelDimension> ParseFunnelDimension(const std::string& text) {
  static const std::pair<const char*, FunnelDimension> kNames[] = {
      {"none", FunnelDimension::kNone},       {"manager", FunnelDimension::kManager},
      {"product", FunnelDimension::kProduct}, {"region", FunnelDimension::kRegion},
      {"channel", FunnelDimension::kChannel}, {"segment", FunnelDimension::kSegment}};
  for (const auto& [name, d] : kNames)
    if (text == name) return d;
  return Error::Invalid("group", "group must be one of none, manager, product, region, channel, segment");
}

std::string FunnelDimensionName(FunnelDimension d) {
  switch (d) {
    case FunnelDimension::kNone: return "none";
    case FunnelDimension::kManager: return "manager";
    case FunnelDimension::kProduct: return "product";
    case FunnelDimension::kRegion: return "region";
    case FunnelDimension::kChannel: return "channel";
    case FunnelDimension::kSegment: return "segment";
  }
  return "none";
}

std::string FunnelGroupKey(const FunnelCard& card, FunnelDimension d) {
  switch (d) {
    case FunnelDimension::kNone: return "";
    case FunnelDimension::kManager: return card.manager ? std::to_string(card.manager) : "";
    case FunnelDimension::kProduct: return card.product;
    case FunnelDimension::kRegion: return card.region;
    case FunnelDimension::kChannel: return card.channel;
    case FunnelDimension::kSegment: return card.segment;
  }
  return "";
}

std::optional<int64_t> NearestRank(std::vector<int64_t> values, int percentile) {
  if (values.empty()) return std::nullopt;
  size_t rank = (values.size() * static_cast<size_t>(percentile) + 99) / 100;  // ceil(p/100 × n)
  rank = std::clamp<size_t>(rank, 1, values.size());
  std::nth_element(values.begin(), values.begin() + static_cast<long>(rank - 1), values.end());
  return values[rank - 1];
}

FunnelTable ComputeFunnel(const FunnelQuery& query, const std::vector<Reach>& reaches,
                          const std::map<int64_t, FunnelCard>& cards) {
  const size_t n = query.steps.size();
  Accumulator total(n);
  std::map<std::string, Accumulator> groups;
  for (const auto& [deal, path] : Paths(query, reaches, cards)) {
    total.Add(query, path);
    if (query.group_by == FunnelDimension::kNone) continue;
    std::string key = FunnelGroupKey(cards.at(deal), query.group_by);
    groups.try_emplace(key, n).first->second.Add(query, path);
  }
  FunnelTable table{query.steps, total.Row(""), {}};
  for (const auto& [key, acc] : groups) {
    FunnelRow row = acc.Row(key);
    bool any = std::any_of(row.cells.begin(), row.cells.end(), [](const FunnelCell& c) { return c.entered || c.converted; });
    if (any) table.groups.push_back(std::move(row));
  }
  return table;
}

Result<std::vector<int64_t>> FunnelCellCards(const FunnelQuery& query, const std::vector<Reach>& reaches,
                                             const std::map<int64_t, FunnelCard>& cards,
                                             const std::optional<std::string>& group_key, const std::string& step,
                                             bool converted) {
  auto it = std::find(query.steps.begin(), query.steps.end(), step);
  if (it == query.steps.end()) {
    std::string list;
    for (const auto& s : query.steps) list += (list.empty() ? "" : ", ") + s;
    return Error::Invalid("step", "step must be one of " + list);
  }
  size_t i = static_cast<size_t>(it - query.steps.begin());
  std::vector<int64_t> out;
  for (const auto& [deal, path] : Paths(query, reaches, cards)) {
    if (group_key && FunnelGroupKey(cards.at(deal), query.group_by) != *group_key) continue;
    if (converted ? Converted(query, path, i) : Entered(query, path, i)) out.push_back(deal);
  }
  return out;
}

}  // namespace voronka::analytics
