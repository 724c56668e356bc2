#pragma once
// Lead routing and absences over the database: the head's rules (routing_config, else the
// shipped processes/routing/it_studio.yaml), who is on shift (their team's business calendar)
// and absent now, the round-robin turns, the SLA watch on each routed lead, and the absences
// whose open tasks go to a stand-in for the period and come back after.
//
// "Taken" (the SLA): after the lead was given to someone, that person did anything on the card
// — changed the deal (a move, an edit), ticked a checklist item or drove the process, logged an
// activity on it, or changed or completed one of its tasks (their audit_log / process_log rows
// on the card from the moment of assignment on). Waiting is wall-clock time from the
// assignment; a lead given to someone off shift (nobody was on shift) is due `sla` after the
// start of their next working period.
//
// Every function works inside the caller's transaction unless it takes a Database.

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "routing/rules.h"
#include "storage/db.h"
#include "storage/records.h"

namespace voronka::routing {

// The shipped default rules (processes/routing/it_studio.yaml).
const std::string& DefaultRulesYaml();

struct RulesText {
  std::string yaml;
  bool is_default = true;
  std::optional<TimeMs> updated_at;
};
RulesText CurrentRules(storage::Tx& tx);

// Stores the head's rules (nullopt: back to the shipped default). kInvalid, field "routing",
// with every problem (file:line:column) in extra.problems when the YAML is not valid or names
// a user or team that does not exist.
Status SetRules(storage::Tx& tx, const std::optional<std::string>& yaml, const storage::Actor& actor);

// Every active user as routing sees them at `now`: team, role, open deals, on shift, absent.
std::vector<Candidate> LoadCandidates(storage::Tx& tx, TimeMs now);

// Chooses who gets a lead with the current rules and advances that rule's turn. nullopt when no
// rule fits or nobody is present.
std::optional<Choice> RouteLead(storage::Tx& tx, const Lead& lead, TimeMs now, const std::set<int64_t>& exclude = {});

// Starts the SLA watch on a freshly routed deal and writes the assignment to its timeline.
void RecordAssignment(storage::Tx& tx, int64_t deal_id, const Choice& choice, TimeMs now);

// Did `user_id` act on the deal at or after `since`? (see "Taken" above)
bool TakenSince(storage::Tx& tx, int64_t deal_id, int64_t user_id, TimeMs since);

// Re-routes every watched lead whose SLA has passed untaken to the next person (the deal, its
// open tasks for the old responsible, the timeline, a notification to the head); marks taken
// and closed ones. Returns the number of leads re-routed. Each lead in its own transaction.
int SweepSla(storage::Database& db, TimeMs now);

// ---- Absences ----

struct AbsenceInput {
  int64_t user_id = 0;
  std::string kind;  // vacation | sick_leave
  TimeMs starts_at = 0, ends_at = 0;  // [starts_at, ends_at)
  int64_t stand_in_id = 0;
  std::optional<std::string> note;
};

// Parses a request body {user_id?, kind, starts_at, ends_at, stand_in_id, note?} (ISO dates or
// date-times; a bare date is midnight UTC). `default_user` fills a missing user_id.
Result<AbsenceInput> ParseAbsence(const nlohmann::json& body, int64_t default_user);

// kUnprocessable for a missing or archived user or stand-in; kConflict when the person already
// has an absence overlapping the period. Applies it at once when it has begun.
Result<nlohmann::json> CreateAbsence(storage::Tx& tx, const AbsenceInput& in, const storage::Actor& actor);

// Absences ending after `from`, of `users` (nullopt: everyone) or where they stand in.
std::vector<nlohmann::json> ListAbsences(storage::Tx& tx, const std::optional<std::vector<int64_t>>& users, TimeMs from);

// The absence, or kNotFound.
Result<nlohmann::json> GetAbsence(storage::Tx& tx, int64_t id);

// Gives the moved tasks back and removes the absence. kNotFound.
Status DeleteAbsence(storage::Tx& tx, int64_t id, const storage::Actor& actor);

// Starts absences that have begun (their open tasks to the stand-in, also tasks the absent
// person gets meanwhile) and ends those that are over (the tasks back, unless done or
// reassigned since). Returns the number of tasks moved either way.
int ApplyAbsences(storage::Tx& tx, TimeMs now);
int SweepAbsences(storage::Database& db, TimeMs now);

}  // namespace voronka::routing
