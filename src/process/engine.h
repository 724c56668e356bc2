#pragma once
// The process engine: a pure function of (definition, card state, event, now) → the new
// state and the effects to carry out (tasks, timers, notifications, e-mails, deviations).
// No I/O: the caller stores the state and the effects in one transaction and executes
// the effects afterwards (outbox).

#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "common/time.h"
#include "process/definition.h"

namespace voronka::process {

// Working-time arithmetic (implemented by the business calendar; tests may fake it).
class WorkTime {
 public:
  virtual ~WorkTime() = default;
  virtual TimeMs AddWorkingMinutes(TimeMs from, int64_t minutes) const = 0;
  virtual TimeMs AddBusinessDays(TimeMs from, int days) const = 0;
};

TimeMs AddDuration(const WorkTime& wt, TimeMs from, const Duration& d);

struct CardState {
  std::string stage;
  std::string status = "open";                    // open | won | lost
  nlohmann::json fields = nlohmann::json::object();  // channel, score, segment, follow_up_at (ms), …
  std::set<std::string> checked;                   // checklist items ticked
  std::map<std::string, TimeMs> timers;            // pending timers by code
  std::set<std::string> open_tasks;                // task codes with a checkpoint, not done yet

  nlohmann::json ToJson() const;
  static CardState FromJson(const nlohmann::json& j);  // tolerant: missing parts are empty
};

struct Event {
  enum class Kind {
    kCreated,        // a new card: fields hold its data; enters the first stage
    kMove,           // to: the stage the user moves the card to
    kFieldsChanged,  // fields: the new values
    kCheck,          // code: checklist item ticked (fields.checked=false unticks)
    kTaskDone,       // code: the task's code
    kTimerFired,     // code: the timer's code
    kScored,         // fields: score, segment, disqualified, failed_knockouts
    kLost,           // code: lost reason; fields: what the reason requires
    kExternal,       // code: "email_opened", "form_received", "call_logged", …
  };
  Kind kind = Kind::kCreated;
  std::string to;
  std::string code;
  nlohmann::json fields = nlohmann::json::object();
};

namespace effects {
struct StageChanged { std::string from, to; };
struct CreateTask {
  std::string code;
  Text title;
  TimeMs due_at = 0;
  std::string assignee;  // responsible | head
  bool checkpoint = false;
};
struct SetTimer { std::string code; TimeMs at = 0; };
struct CancelTimer { std::string code; };
// A process task is settled by the card moving on (the step it asked for was evidently
// done), or dropped because the card closed.
struct CloseTask { std::string code; bool completed = true; };
struct Notify { std::vector<std::string> roles; Text message; };
struct Deviation { std::string code; Text message; std::vector<std::string> notify; };
struct SendEmail { std::string template_code; std::string to; };
struct AddMembers { std::vector<std::string> roles; };
struct SetField { std::string field; nlohmann::json value; };
}  // namespace effects

using Effect = std::variant<effects::StageChanged, effects::CreateTask, effects::SetTimer, effects::CancelTimer,
                            effects::Notify, effects::Deviation, effects::SendEmail, effects::AddMembers,
                            effects::SetField, effects::CloseTask>;

// One line per effect, stable, for tests and the timeline: "task get_contact due 2026-11-24T10:30:00Z".
std::string Describe(const Effect& e);

struct Decision {
  CardState state;
  std::vector<Effect> effects;
};

// Errors (state unchanged):
//   kUnprocessable "cannot move from A to B …" when B is not a next stage or return of A;
//   kUnprocessable with extra {"missing": [{kind: field|checklist, code, ru, en}]} when the
//     exit checks of the current stage fail on a forward move, or a lost reason lacks fields;
//   kInvalid for an unknown stage, checklist item or lost reason, or an event on a closed card.
// A user's move (kMove) settles the open checkpoint tasks (CloseTask completed); closing
// the card drops them (CloseTask not completed).
Result<Decision> Decide(const Definition& def, const CardState& state, const Event& event, TimeMs now,
                        const WorkTime& wt);

}  // namespace voronka::process
