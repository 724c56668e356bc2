#include "routing/rules.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <limits>

#include "common/text.h"

namespace voronka::routing {

namespace {

const char* kWhenFields[] = {"channel", "region", "product", "segment"};

class Linter {
 public:
  explicit Linter(std::string_view file) : file_(file) {}
  std::vector<LintMessage> messages;

  void At(const YAML::Node& at, const YAML::Node& fallback, const std::string& message) {
    YAML::Mark m = YAML::Mark::null_mark();
    if (at.IsDefined() && at.Mark().line >= 0 && !(at.IsNull() && fallback.IsDefined())) m = at.Mark();
    else if (fallback.IsDefined()) m = fallback.Mark();
    messages.push_back({file_, m.line >= 0 ? m.line + 1 : 0, m.line >= 0 ? m.column + 1 : 0, message});
  }
  void At(const YAML::Node& at, const std::string& message) { At(at, at, message); }
  void AtMark(const YAML::Mark& m, const std::string& message) {
    messages.push_back({file_, m.line >= 0 ? m.line + 1 : 0, m.line >= 0 ? m.column + 1 : 0, message});
  }

  std::vector<LintMessage> Sorted() {
    auto key = [](const LintMessage& m) {
      return std::pair(m.line == 0 ? std::numeric_limits<int>::max() : m.line, m.column);
    };
    std::stable_sort(messages.begin(), messages.end(),
                     [&](const LintMessage& a, const LintMessage& b) { return key(a) < key(b); });
    return std::move(messages);
  }

 private:
  std::string file_;
};

std::string List(std::initializer_list<const char*> names) {
  std::string s;
  for (auto* n : names) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

// A scalar or a list of scalars, folded.
std::vector<std::string> Values(const YAML::Node& key, const YAML::Node& value, Linter& lint) {
  std::vector<std::string> out;
  auto add = [&](const YAML::Node& v) {
    if (!v.IsScalar() || Trim(v.Scalar()).empty()) {
      lint.At(v, key, "'" + key.Scalar() + "' must be a value or a list of values");
      return;
    }
    out.push_back(FoldCase(Trim(v.Scalar())));
  };
  if (value.IsSequence()) {
    if (value.size() == 0) lint.At(value, key, "'" + key.Scalar() + "' must not be an empty list");
    for (const auto& v : value) add(v);
  } else {
    add(value);
  }
  return out;
}

Selector ParseSelector(const YAML::Node& key, const YAML::Node& node, Linter& lint) {
  Selector s;
  YAML::Mark mark = node.IsDefined() && node.Mark().line >= 0 ? node.Mark() : key.Mark();
  s.line = mark.line + 1;
  s.column = mark.column + 1;
  if (!node.IsMap()) {
    lint.At(node, key, "a group is a mapping: {users: [...], team: ..., role: ..., takes_leads: true}");
    return s;
  }
  for (const auto& kv : node) {
    std::string k = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (k == "users") {
      if (!v.IsSequence() || v.size() == 0) {
        lint.At(v, kv.first, "users must be a non-empty list of user ids or e-mails");
        continue;
      }
      for (const auto& u : v) {
        if (!u.IsScalar() || Trim(u.Scalar()).empty()) {
          lint.At(u, kv.first, "each entry of users must be a user id or an e-mail");
          continue;
        }
        s.users.push_back(std::string(Trim(u.Scalar())));
        s.user_marks.emplace_back(u.Mark().line + 1, u.Mark().column + 1);
      }
    } else if (k == "team" || k == "role") {
      if (!v.IsScalar() || Trim(v.Scalar()).empty()) {
        lint.At(v, kv.first, k + " must be a single value");
        continue;
      }
      std::string text(Trim(v.Scalar()));
      if (k == "role") {
        static const char* roles[] = {"manager", "head", "curator", "owner", "admin"};
        if (std::none_of(std::begin(roles), std::end(roles), [&](const char* r) { return text == r; }))
          lint.At(v, "unknown role '" + text + "' (expected manager, head, curator, owner or admin)");
        s.role = text;
      } else {
        s.team = text;
      }
    } else if (k == "takes_leads") {
      if (!v.IsScalar() || (v.Scalar() != "true" && v.Scalar() != "false")) {
        lint.At(v, kv.first, "takes_leads must be true or false");
        continue;
      }
      s.takes_leads = v.Scalar() == "true";
    } else {
      lint.At(kv.first, "unknown key '" + k + "' in a group (expected " + List({"users", "team", "role", "takes_leads"}) +
                            ")");
    }
  }
  return s;
}

std::optional<RuleSet> Parse(std::string_view yaml, Linter& lint) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    lint.AtMark(e.mark, "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
  if (!root.IsMap()) {
    lint.At(root, "expected a mapping with 'rules' (and optional 'groups') at the top level");
    return std::nullopt;
  }
  std::map<std::string, Selector> groups;
  YAML::Node rules_node;
  YAML::Node rules_key;
  bool has_rules = false;
  for (const auto& kv : root) {
    std::string k = kv.first.Scalar();
    if (k == "groups") {
      if (!kv.second.IsMap()) {
        lint.At(kv.second, kv.first, "groups must be a mapping of group names to groups");
        continue;
      }
      for (const auto& g : kv.second) groups[g.first.Scalar()] = ParseSelector(g.first, g.second, lint);
    } else if (k == "rules") {
      rules_node = kv.second;
      rules_key = kv.first;
      has_rules = true;
    } else {
      lint.At(kv.first, "unknown key '" + k + "' (expected groups, rules)");
    }
  }
  RuleSet set;
  if (!has_rules) {
    lint.At(root, "'rules' is missing: list at least one rule");
    return set;
  }
  if (!rules_node.IsSequence() || rules_node.size() == 0) {
    lint.At(rules_node, rules_key, "rules must be a non-empty list");
    return set;
  }
  std::set<std::string> names;
  for (const auto& r : rules_node) {
    Rule rule;
    rule.line = r.Mark().line + 1;
    if (!r.IsMap()) {
      lint.At(r, "a rule is a mapping: {name, when, to, strategy, sla}");
      continue;
    }
    bool has_to = false;
    for (const auto& kv : r) {
      std::string k = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (k == "name") {
        if (!v.IsScalar() || Trim(v.Scalar()).empty()) lint.At(v, kv.first, "name must be a text");
        else rule.name = std::string(Trim(v.Scalar()));
        if (!rule.name.empty() && !names.insert(rule.name).second)
          lint.At(v, "rule name '" + rule.name + "' is used twice");
      } else if (k == "when") {
        if (!v.IsMap()) {
          lint.At(v, kv.first, "when must be a mapping of " + List({"channel", "region", "product", "segment"}));
          continue;
        }
        for (const auto& c : v) {
          std::string field = c.first.Scalar();
          if (std::none_of(std::begin(kWhenFields), std::end(kWhenFields), [&](const char* f) { return field == f; })) {
            lint.At(c.first, "unknown condition '" + field + "' (expected channel, region, product, segment)");
            continue;
          }
          auto values = Values(c.first, c.second, lint);
          if (field == "segment")
            for (const auto& s : values)
              if (s != "a" && s != "b" && s != "c") lint.At(c.second, "segment must be A, B or C, not '" + s + "'");
          if (field == "channel")
            for (const auto& s : values)
              if (s != "site_form" && s != "email" && s != "phone" && s != "messenger")
                lint.At(c.second, "unknown channel '" + s + "' (expected site_form, email, phone, messenger)");
          rule.when[field] = values;
        }
      } else if (k == "to") {
        has_to = true;
        if (v.IsScalar()) {
          auto g = groups.find(v.Scalar());
          if (g == groups.end()) lint.At(v, "no group named '" + v.Scalar() + "' under groups");
          else rule.to = g->second, rule.group = v.Scalar();
        } else {
          rule.to = ParseSelector(kv.first, v, lint);
        }
      } else if (k == "strategy") {
        std::string s = v.IsScalar() ? v.Scalar() : "";
        if (s == "round_robin") rule.strategy = Strategy::kRoundRobin;
        else if (s == "least_loaded") rule.strategy = Strategy::kLeastLoaded;
        else lint.At(v, kv.first, "strategy must be round_robin or least_loaded");
      } else if (k == "sla") {
        auto d = v.IsScalar() ? ParseDuration(v.Scalar()) : std::nullopt;
        if (!d) lint.At(v, kv.first, "sla must be a duration such as 90s, 15m or 2h");
        else rule.sla_ms = *d;
      } else {
        lint.At(kv.first, "unknown key '" + k + "' in a rule (expected name, when, to, strategy, sla)");
      }
    }
    if (rule.name.empty() && !r["name"]) lint.At(r, "a rule needs a name (it is shown on every card it routes)");
    if (!has_to) lint.At(r, "rule '" + rule.name + "' needs 'to': a group name or {users|team|role|takes_leads}");
    set.rules.push_back(std::move(rule));
  }
  return set;
}

}  // namespace

std::optional<int64_t> ParseDuration(std::string_view text) {
  text = Trim(text);
  if (text.size() < 2 || text.size() > 8) return std::nullopt;
  char unit = text.back();
  int64_t scale = unit == 's' ? 1000 : unit == 'm' ? 60000 : unit == 'h' ? 3600000 : 0;
  if (scale == 0) return std::nullopt;
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n == 0) return std::nullopt;
  return n * scale;
}

std::vector<LintMessage> LintRules(std::string_view yaml, std::string_view file_name) {
  Linter lint(file_name);
  Parse(yaml, lint);
  return lint.Sorted();
}

Result<RuleSet> ParseRules(std::string_view yaml, std::string_view file_name) {
  Linter lint(file_name);
  auto set = Parse(yaml, lint);
  if (!lint.messages.empty() || !set) return Error::Invalid("routing", JoinLint(lint.Sorted()));
  return std::move(*set);
}

namespace {

bool FitsFolded(const Rule& rule, const Lead& folded) {
  for (const auto& [field, values] : rule.when) {
    const std::string& v = field == "channel"  ? folded.channel
                           : field == "region" ? folded.region
                           : field == "product" ? folded.product
                                                : folded.segment;
    if (std::find(values.begin(), values.end(), v) == values.end()) return false;
  }
  return true;
}

Lead Folded(const Lead& lead) {
  return {FoldCase(lead.channel), FoldCase(lead.region), FoldCase(lead.product), FoldCase(lead.segment)};
}

}  // namespace

bool Fits(const Rule& rule, const Lead& lead) { return FitsFolded(rule, Folded(lead)); }

std::vector<const Candidate*> Members(const Rule& rule, const std::vector<Candidate>& candidates) {
  const Selector& s = rule.to;
  bool any = !s.users.empty() || s.team || s.role || s.takes_leads;
  std::vector<const Candidate*> out;
  for (const auto& c : candidates) {
    if (!s.users.empty()) {
      std::string id = std::to_string(c.id), email = FoldCase(c.email);
      if (std::none_of(s.users.begin(), s.users.end(), [&](const std::string& u) { return u == id || FoldCase(u) == email; }))
        continue;
    }
    if (s.team && *s.team != c.team_name &&
        (!c.team_id || s.team->find_first_not_of("0123456789") != std::string::npos || *s.team != std::to_string(*c.team_id)))
      continue;
    if (s.role && *s.role != c.role) continue;
    if (s.takes_leads && *s.takes_leads != c.takes_leads) continue;
    if (!any && !c.takes_leads) continue;
    out.push_back(&c);
  }
  return out;
}

namespace {

// `members` rotated so that the one after `last` comes first.
std::vector<const Candidate*> InTurn(std::vector<const Candidate*> members, std::optional<int64_t> last) {
  if (!last || members.empty()) return members;
  // Candidates come in id order: the next in turn is the first with an id above the last one served.
  size_t start = 0;
  while (start < members.size() && members[start]->id <= *last) ++start;
  start %= members.size();
  std::rotate(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(start), members.end());
  return members;
}

const Candidate* Pick(const Rule& rule, const std::vector<const Candidate*>& members,
                      const std::map<std::string, int64_t>& cursors) {
  auto cursor = cursors.find(rule.name);
  auto ordered = InTurn(members, cursor == cursors.end() ? std::nullopt : std::optional(cursor->second));
  if (ordered.empty()) return nullptr;
  if (rule.strategy == Strategy::kRoundRobin) return ordered.front();
  const Candidate* best = ordered.front();
  for (const auto* c : ordered)
    if (c->open_deals < best->open_deals) best = c;
  return best;
}

}  // namespace

std::optional<Choice> Choose(const RuleSet& rules, const Lead& lead, const std::vector<Candidate>& candidates,
                             const std::map<std::string, int64_t>& cursors, const std::set<int64_t>& exclude) {
  Lead folded = Folded(lead);
  for (bool need_shift : {true, false}) {
    for (const auto& rule : rules.rules) {
      if (!FitsFolded(rule, folded)) continue;
      std::vector<const Candidate*> available;
      for (const auto* c : Members(rule, candidates))
        if (!c->absent && !exclude.count(c->id) && (c->on_shift || !need_shift)) available.push_back(c);
      if (const Candidate* c = Pick(rule, available, cursors))
        return Choice{c->id, rule.name, rule.sla_ms, !need_shift && !c->on_shift};
    }
  }
  return std::nullopt;
}

}  // namespace voronka::routing
