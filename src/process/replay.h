#pragma once
// Rollout preview: the recorded events of cards replayed through a pipeline definition, with
// the timers that definition sets fired on the way, counting what the process would do per
// rule. Run once with the running definition and once with a changed one, the difference
// shows what switching versions would change before anyone switches. Pure: no I/O, no clock.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "process/definition.h"
#include "process/engine.h"

namespace voronka::process {

struct RecordedEvent {
  TimeMs at = 0;
  Event event;
};

// A card's events in the order they happened; the first is its kCreated. Timer firings are
// not part of it: each definition fires its own timers.
struct RecordedCard {
  int64_t deal_id = 0;
  std::vector<RecordedEvent> events;
};

// What the process did, per rule. Keys: "task <code>" (created), "task <code> done on time" /
// "… done late" (a checkpoint task, before or after its deadline fired),
// "deviation <code>", "stage <code>" (entered), "email <template>", "refused <event>" (the
// definition does not allow an event that happened, e.g. a move it has no exit for).
using RuleCounts = std::map<std::string, int64_t>;

struct ReplayResult {
  RuleCounts counts;
  int64_t cards = 0, events = 0, timers_fired = 0;
};

// Replays every card through `def`, firing its timers due before each next event and, at
// the end, those due up to `until`. Deadlines are measured in `wt`.
ReplayResult Replay(const Definition& def, const std::vector<RecordedCard>& cards, TimeMs until, const WorkTime& wt);

struct RuleDiff {
  std::string rule;
  int64_t before = 0, after = 0;
};
// Rules whose counts differ, in rule order.
std::vector<RuleDiff> CompareReplays(const RuleCounts& before, const RuleCounts& after);

// The process log's name of an event: "created", "move closing", "check phone", "timer
// task:take_lead", … (the event column; EventFromLog reads it back).
std::string LogName(const Event& e);

// "move closing" → kMove to closing, "check phone" → kCheck, … (the process log's event
// names); `fields` is the event's recorded data. nullopt for names that are not replayed
// (timers, outbox, routing).
std::optional<Event> EventFromLog(const std::string& name, const nlohmann::json& fields);

}  // namespace voronka::process
