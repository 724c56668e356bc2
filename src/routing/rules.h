#pragma once
// Lead routing rules: who gets a new lead. The head of sales writes them as YAML; the first
// rule whose conditions fit the lead and whose group has someone available wins. Pure: no
// database, no clock — who is on shift, absent or how loaded is given by the caller.
//
//   groups:                       # optional named groups, referred to by `to: juniors`
//     juniors: {users: [m1@studio.ru, 7]}
//   rules:
//     - name: segment_c
//       when: {segment: C}        # channel / region / product / segment: a value or a list;
//                                 # case-insensitive; a rule without `when` fits every lead
//       to: juniors               # a group name, or a selector:
//                                 #   {users: [ids or e-mails], team: "Sales" or id,
//                                 #    role: manager, takes_leads: true} — every key given must hold
//       strategy: round_robin     # round_robin (default) | least_loaded (fewest open deals)
//       sla: 15m                  # taken within: 90s, 15m, 2h (default 15m)

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/lint.h"
#include "common/result.h"

namespace voronka::routing {

// Who belongs to a group. Every condition given must hold; none given means every active user
// who takes leads.
struct Selector {
  std::vector<std::string> users;  // ids ("7") or e-mails, as written
  std::optional<std::string> team;  // name or id
  std::optional<std::string> role;
  std::optional<bool> takes_leads;
  int line = 0, column = 0;  // of the selector, for messages about names that do not exist
  std::vector<std::pair<int, int>> user_marks;  // line/column of each entry of `users`
};

enum class Strategy { kRoundRobin, kLeastLoaded };

struct Rule {
  std::string name;
  std::map<std::string, std::vector<std::string>> when;  // field → accepted values (folded)
  Selector to;
  std::string group;  // the group name when `to` named one
  Strategy strategy = Strategy::kRoundRobin;
  int64_t sla_ms = 15 * 60 * 1000;
  int line = 0;
};

struct RuleSet {
  std::vector<Rule> rules;
};

// Every problem of a routing YAML, with file:line:column, in document order; empty when valid.
std::vector<LintMessage> LintRules(std::string_view yaml, std::string_view file_name);

// kInvalid, field "routing", message JoinLint(LintRules(…)) when there is any problem.
Result<RuleSet> ParseRules(std::string_view yaml, std::string_view file_name);

// "90s", "15m", "2h" → milliseconds; nullopt for anything else (or zero).
std::optional<int64_t> ParseDuration(std::string_view text);

struct Lead {
  std::string channel, region, product, segment;  // "" when unknown
};

// A user who might get the lead, as the caller sees them now.
struct Candidate {
  int64_t id = 0;
  std::string email;
  std::optional<int64_t> team_id;
  std::string team_name;
  std::string role;
  bool takes_leads = false;
  int64_t open_deals = 0;
  bool on_shift = true;  // inside their team's working hours now
  bool absent = false;   // on vacation or sick leave now
};

struct Choice {
  int64_t user_id = 0;
  std::string rule;
  int64_t sla_ms = 0;
  // Nobody fitting was on shift: the lead went to someone off shift (the SLA then counts from
  // the start of their next working period).
  bool off_shift = false;
};

// True when the rule's conditions fit the lead.
bool Fits(const Rule& rule, const Lead& lead);

// The members of the rule's group among `candidates`, in the order of `candidates`.
std::vector<const Candidate*> Members(const Rule& rule, const std::vector<Candidate>& candidates);

// Picks the person for the lead: the first fitting rule whose group has someone on shift, not
// absent and not in `exclude`. Round robin takes the next member after `cursors[rule]` (the
// last one it gave a lead to) in the order of `candidates`; least loaded the member with the
// fewest open deals, ties in round-robin order. When no fitting rule has anyone on shift, the
// first fitting rule with anyone present (not absent) is used regardless of shift, with
// off_shift set. nullopt when no rule fits or nobody is present at all.
std::optional<Choice> Choose(const RuleSet& rules, const Lead& lead, const std::vector<Candidate>& candidates,
                             const std::map<std::string, int64_t>& cursors, const std::set<int64_t>& exclude = {});

}  // namespace voronka::routing
