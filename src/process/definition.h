#pragma once
// A pipeline definition: the department's sales algorithm as data, loaded from YAML that a
// head of sales reads and edits (processes/*.yaml). Pure: YAML arrives as text.
//
//   code, name {ru, en}
//   stages: each with goal, script steps, checklist and required fields to leave it,
//           allowed next stages and returns, actions on entry, timers after entry,
//           and `auto` moves taken on entry when a condition holds; `kind: won|lost` ends.
//   triggers: actions run on an event (scored, field_changed, task_done, lost, external)
//   lost_reasons: each with the fields it needs and its follow-up actions
// Actions: task, notify, email, move, members, set, deviation — each optionally with `if`.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/lint.h"
#include "common/result.h"

namespace voronka::process {

struct Text {  // a phrase in both UI languages
  std::string ru, en;
};

// "30 working minutes", "2 business days", "3 days", "15 minutes", "4 hours", "1 working hour".
struct Duration {
  enum class Unit { kMinutes, kWorkingMinutes, kBusinessDays, kDays };
  Unit unit = Unit::kMinutes;
  int64_t amount = 0;  // minutes for kMinutes/kWorkingMinutes, days otherwise
};
std::optional<Duration> ParseDuration(std::string_view text);
std::string FormatDuration(const Duration& d);

// {field: score, greater_than: 9} / {field: channel, equals: phone} / not_equals / less_than /
// is_set: true|false. A missing field is null: equals fails, not_equals holds.
struct Condition {
  enum class Op { kEquals, kNotEquals, kGreaterThan, kLessThan, kIsSet, kIsNotSet };
  std::string field;
  Op op = Op::kEquals;
  nlohmann::json value = nullptr;
  bool Holds(const nlohmann::json& fields) const;
};

struct Action {
  enum class Kind { kTask, kNotify, kEmail, kMove, kMembers, kSet, kDeviation };
  Kind kind = Kind::kTask;
  std::vector<Condition> when;  // all must hold
  // task
  std::string code;
  Text title;
  std::optional<Duration> due;        // from the moment the action runs
  std::string due_field;              // or: at the time in this card field …
  std::optional<Duration> due_before; // … minus this
  std::string assignee = "responsible";  // responsible | head
  bool checkpoint = false;            // missing the due time raises a deviation
  std::vector<std::string> notify;    // roles told of the deviation / notification
  // notify / deviation
  Text message;
  // email
  std::string template_code;
  // move
  std::string to;
  // members
  std::vector<std::string> roles;
  // set
  std::string field;
  nlohmann::json value = nullptr;
};

struct Timer {
  Duration after;
  std::vector<Action> actions;
  std::string code;  // stage code + index, stable within a version
};

struct Stage {
  std::string code;
  Text name, goal;
  std::vector<Text> script;
  std::vector<std::pair<std::string, Text>> checklist;  // item code → text
  std::vector<std::string> requires_fields;             // non-empty to leave forward
  std::vector<std::string> next, returns;
  std::vector<Action> on_enter;
  std::vector<Timer> timers;
  std::vector<std::pair<Condition, std::string>> auto_moves;  // on entry: first that holds
  std::string kind;  // "" | "won" | "lost"
};

struct Trigger {
  std::string on;  // scored | field_changed:FIELD | task_done:CODE | lost:REASON | external:NAME
  std::vector<Condition> when;
  std::vector<Action> actions;
};

struct LostReason {
  std::string code;
  Text name;
  std::vector<std::string> requires_fields;
  std::vector<Action> actions;
};

struct Definition {
  std::string code;
  Text name;
  std::vector<Stage> stages;
  std::vector<Trigger> triggers;
  std::vector<LostReason> lost_reasons;

  const Stage* FindStage(std::string_view code) const;
  const LostReason* FindLostReason(std::string_view code) const;
  const Stage& first() const { return stages.front(); }
};

// Parses and checks a definition: unknown keys, missing names, unknown stage references,
// bad durations and conditions — every problem with file:line:column.
std::vector<LintMessage> LintDefinition(std::string_view yaml, std::string_view file_name);
// kInvalid carrying JoinLint(...) of all problems when there are any.
Result<Definition> LoadDefinition(std::string_view yaml, std::string_view file_name);

// The shipped definitions by code ("it_studio", "canonical"), loaded once.
const Definition* ShippedDefinition(std::string_view code);
std::vector<std::string> ShippedDefinitionCodes();

// For the UI and the API: stages with names, goals, scripts and checklists.
nlohmann::json DefinitionToJson(const Definition& d);

}  // namespace voronka::process
