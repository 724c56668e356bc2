#include "storage/replay_store.h"

#include <algorithm>
#include <map>
#include <set>

namespace voronka::storage {

namespace {

using nlohmann::json;
using process::Event;
using process::RecordedEvent;

json ParseValue(const Row& r, size_t col) {
  return r.IsNull(col) ? json() : json::parse(r.Text(col), nullptr, false);
}

// A card without a process log (imported, or from before the log kept event data): its
// events as the audit trail and the tasks recorded them — the stage moves, the scorings, the
// loss with its reason, the process tasks completed.
std::map<int64_t, std::vector<RecordedEvent>> FromAudit(Tx& tx, const std::string& pipeline, TimeMs from, TimeMs to) {
  std::map<int64_t, std::vector<RecordedEvent>> out;
  const char* in_range = " d.pipeline = ? AND d.created_at >= ? AND d.created_at < ?";
  std::vector<Value> range = {pipeline, from, to};
  for (const auto& r : tx.Query(std::string("SELECT d.id, d.created_at, d.channel FROM deals d WHERE") + in_range, range))
    out[r.Int(0)].push_back({r.Int(1), {Event::Kind::kCreated, "", "", {{"channel", r.IsNull(2) ? json() : json(r.Text(2))}}}});

  // Changes made at one moment are one event: a scoring sets score and segment together, a
  // loss sets status and reason together.
  struct Moment {
    int64_t deal = 0;
    TimeMs at = 0;
    json fields = json::object();
  };
  std::vector<Moment> moments;
  for (const auto& r : tx.Query(std::string("SELECT a.entity_id, a.at, a.field, a.new_value FROM audit_log a JOIN deals d "
                                            "ON d.id = a.entity_id WHERE a.entity = 'deals' AND a.field IN "
                                            "('stage', 'score', 'segment', 'status', 'lost_reason') AND") +
                                    in_range + " ORDER BY a.entity_id, a.at, a.id",
                                range)) {
    if (moments.empty() || moments.back().deal != r.Int(0) || moments.back().at != r.Int(1))
      moments.push_back({r.Int(0), r.Int(1), json::object()});
    moments.back().fields[r.Text(2)] = ParseValue(r, 3);
  }
  for (const auto& m : moments) {
    auto& events = out[m.deal];
    const json& f = m.fields;
    if (f.contains("score") || f.contains("segment")) {
      json scored = json::object();
      for (const char* k : {"score", "segment"})
        if (f.contains(k)) scored[k] = f[k];
      events.push_back({m.at, {Event::Kind::kScored, "", "", scored}});
    }
    if (f.contains("status") && f["status"] == "lost" && f.contains("lost_reason") && f["lost_reason"].is_string())
      events.push_back({m.at, {Event::Kind::kLost, "", f["lost_reason"].get<std::string>(), json::object()}});
    else if (f.contains("stage") && f["stage"].is_string())
      events.push_back({m.at, {Event::Kind::kMove, f["stage"].get<std::string>(), "", json::object()}});
  }
  for (const auto& r : tx.Query(std::string("SELECT t.deal_id, t.done_at, t.kind FROM tasks t JOIN deals d ON d.id = t.deal_id "
                                            "WHERE t.done = 1 AND t.done_at IS NOT NULL AND t.kind IS NOT NULL AND") +
                                    in_range,
                                range))
    out[r.Int(0)].push_back({r.Int(1), {Event::Kind::kTaskDone, "", r.Text(2), json::object()}});
  for (auto& [deal, events] : out)
    std::stable_sort(events.begin(), events.end(), [](const RecordedEvent& a, const RecordedEvent& b) {
      bool ca = a.event.kind == Event::Kind::kCreated, cb = b.event.kind == Event::Kind::kCreated;
      return ca != cb ? ca : a.at < b.at;
    });
  return out;
}

}  // namespace

std::vector<process::RecordedCard> LoadRecordedCards(Tx& tx, const std::string& pipeline, TimeMs from, TimeMs to) {
  std::map<int64_t, std::vector<RecordedEvent>> logged;
  auto rows = tx.Query(
      "SELECT l.deal_id, l.at, l.event, l.event_data, d.channel FROM process_log l JOIN deals d ON d.id = l.deal_id "
      "WHERE d.pipeline = ? AND d.created_at >= ? AND d.created_at < ? ORDER BY l.deal_id, l.id",
      {pipeline, from, to});
  for (const auto& r : rows) {
    json data = r.IsNull(3) ? json::object() : json::parse(r.Text(3), nullptr, false);
    std::string name = r.Text(2);
    if (name == "created" && !data.contains("channel") && !r.IsNull(4)) data["channel"] = r.Text(4);
    if (auto event = process::EventFromLog(name, data)) logged[r.Int(0)].push_back({r.Int(1), *event});
  }
  std::vector<process::RecordedCard> cards;
  for (auto& [deal, events] : FromAudit(tx, pipeline, from, to)) {
    auto log = logged.find(deal);
    bool has_log = log != logged.end() && !log->second.empty() && log->second.front().event.kind == Event::Kind::kCreated;
    cards.push_back({deal, has_log ? std::move(log->second) : std::move(events)});
  }
  return cards;
}

}  // namespace voronka::storage
