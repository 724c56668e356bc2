#pragma once
// Runs process events on stored deals: load the card → call the pure engine → write the
// new state and every effect (tasks, timers, notifications, deviations, outbox, log) in
// the caller's transaction. Executing the outbox (e-mail) happens after commit, elsewhere.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "process/engine.h"
#include "storage/db.h"
#include "storage/records.h"

namespace voronka::storage {

struct DealProcess {
  int64_t deal_id = 0;
  int64_t version = 0;
  std::string pipeline;
  int process_version = 0;                     // the definition version the card runs under
  std::shared_ptr<const process::Definition> definition;
  std::optional<int64_t> responsible_id;
  process::CardState state;
};

// kNotFound for a missing deal; kUnprocessable when its pipeline has no definition.
Result<DealProcess> LoadDealProcess(Tx& tx, int64_t deal_id);

// Runs `event` on the deal. `expected_version` (when given) must match the deal's version
// (kConflict with the current deal otherwise). Returns the engine's decision after it has
// been written: deal stage/status/fields updated with audit, tasks created, timers set or
// cancelled, notifications and deviations recorded, e-mails queued, the log appended.
Result<process::Decision> RunProcessEvent(Tx& tx, int64_t deal_id, const process::Event& event,
                                          std::optional<int64_t> expected_version, const Actor& actor,
                                          const process::WorkTime& work_time);

struct DueTimer {
  int64_t deal_id = 0;
  std::string code;
  TimeMs fires_at = 0;
};
// Timers due at `now`, oldest first.
std::vector<DueTimer> DueTimers(Tx& tx, TimeMs now, int limit);

// Fires every timer due at `now` (each in the caller's transaction, in order of due time),
// removing it first so that it never fires twice. Returns how many fired.
int FireDueTimers(Database& db, TimeMs now, const process::WorkTime& work_time, int batch = 200);

}  // namespace voronka::storage
