#pragma once
// Runs process events on stored deals: load the card → call the pure engine → write the
// new state and every effect (tasks, timers, notifications, deviations, outbox, log) in
// the caller's transaction. Executing the outbox (e-mail) happens after commit, elsewhere.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "process/engine.h"
#include "storage/bulk_insert.h"
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
  // The deal's columns a process event may change, as stored (stage, status, score, segment,
  // lost_reason): the "before" of the audit trail.
  nlohmann::json columns = nlohmann::json::object();
};

// Lookups that do not change while one transaction (or one page of timers) is written:
// users behind a role, the definition a pipeline version runs, a user's department calendar.
struct ProcessWriteCache {
  std::map<std::pair<std::string, int64_t>, std::vector<int64_t>> users;
  std::map<std::pair<std::string, int>, std::pair<std::shared_ptr<const process::Definition>, int>> definitions;
  std::map<int64_t, std::shared_ptr<const process::WorkTime>> calendars;
  std::map<int64_t, int64_t> stand_ins;  // user → who reads their notices now (themselves unless absent)
};

// The append-only rows process writes make (log, audit, notifications, deviations), held and
// written together: a page of fired timers writes them with a few multi-row statements.
struct ProcessRows {
  ProcessRows();
  BulkInsert log, audit, notifications, deviations;
  struct Mark {
    size_t log, audit, notifications, deviations;
  };
  Mark mark() const { return {log.size(), audit.size(), notifications.size(), deviations.size()}; }
  void Undo(const Mark& m);
  void Flush(Tx& tx);
};

// kNotFound for a missing deal; kUnprocessable when its pipeline has no definition.
Result<DealProcess> LoadDealProcess(Tx& tx, int64_t deal_id);

// Cards by deal id (missing ids are absent; a deal without a process definition maps to
// its kUnprocessable error).
std::map<int64_t, Result<DealProcess>> LoadDealProcesses(Tx& tx, const std::vector<int64_t>& ids,
                                                         ProcessWriteCache& cache);

// Writes the engine's decision for card `p` (loaded in this transaction or earlier): the deal's
// columns and process state (kConflict, nothing written, when the deal's version is no longer
// p.version), with audit, then every effect. On success `p` is the card after the event.
// The event's log, audit, notification and deviation rows go to `rows` when given (the caller
// flushes them before commit), else they are written before this returns. The log holds one
// row per event: its effects, one per line.
Status ApplyDecision(Tx& tx, DealProcess& p, const process::Event& event, const process::Decision& decision,
                     const Actor& actor, ProcessWriteCache& cache, ProcessRows* rows = nullptr);

// Runs `event` on the deal. The deadlines are measured in the calendar of the responsible's
// department when it has one, else in `work_time`. `expected_version` (when given) must match the deal's version
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
// Timers due at `now` in firing order (fires_at, deal_id, code), after `after` when given.
std::vector<DueTimer> DueTimers(Tx& tx, TimeMs now, int limit, const DueTimer* after = nullptr);

// Fires every timer due at `now`, in order of due time, each claimed (removed) in the same
// transaction as its effects so that it never fires twice, also with several servers on one
// database. Pages of `batch` timers are decided in memory and written in one transaction each;
// a card that fails does not stop the rest. Returns how many fired.
int FireDueTimers(Database& db, TimeMs now, const process::WorkTime& work_time, int batch = 2000);

}  // namespace voronka::storage
