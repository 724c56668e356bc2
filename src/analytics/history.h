#pragma once
// What analytics reads from the recorded history: when each card first reached each stage of
// the funnel (from the audit log's stage changes), sales with their amounts, and activities.
// Reads only; every function runs in the caller's transaction.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "storage/db.h"

namespace voronka::analytics {

// [from, to) in UTC milliseconds.
struct Period {
  TimeMs from = 0, to = 0;
};

// "2026-11" → the month in Europe/Moscow (the company's calendar); kInvalid otherwise.
Result<Period> MonthPeriod(const std::string& month);
// The month ("2026-11") that contains `at` in Europe/Moscow, and the one before it.
std::string MonthOf(TimeMs at);
std::string PreviousMonth(const std::string& month);
int DaysInMonth(const std::string& month);
// 1-based day of the month of `at` in Europe/Moscow.
int DayOfMonth(TimeMs at);

// A card reaching a funnel step for the first time ("leads": created).
struct Reach {
  int64_t deal_id = 0;
  int64_t user_id = 0;  // who moved it (the responsible when the system did)
  std::string step;     // a stage code of the pipeline's main path, or "leads"
  TimeMs at = 0;
  int64_t amount = 0;   // the deal's amount, kopecks
};

struct ActivityFact {
  int64_t user_id = 0;
  std::string type;
  TimeMs at = 0;
  bool goal = false, next_step = false, outcome = false;
};

// The main path of a pipeline, in order: its stages up to and including the won one.
std::vector<std::string> MainPath(const std::string& pipeline);

// Every first reach of every main-path stage (and "leads") that happened in `period`, for
// cards of `pipeline`. A card that jumps ahead reaches the stages it skipped at the same time;
// a card coming back from a side stage reaches nothing it had reached before.
std::vector<Reach> LoadReaches(storage::Tx& tx, const std::string& pipeline, Period period);
std::vector<ActivityFact> LoadActivities(storage::Tx& tx, Period period);

struct UserRow {
  int64_t id = 0;
  std::string name, role;
  bool takes_leads = false;
};
// Active users by id (archived ones too when they appear in `also`).
std::map<int64_t, UserRow> LoadUsers(storage::Tx& tx);

}  // namespace voronka::analytics
