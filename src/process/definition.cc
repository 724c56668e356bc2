#include "process/definition.h"

#include "common/text.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>

namespace voronka::process {

std::vector<std::pair<std::string_view, std::string_view>> EmbeddedProcessFiles();

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Collects every problem with its position instead of stopping at the first.
class Parser {
 public:
  explicit Parser(std::string_view file) : file_(file) {}
  std::vector<LintMessage> messages;

  void Problem(const YAML::Node& at, const std::string& message) {
    YAML::Mark m = at.Mark();
    bool known = at.IsDefined() && !(m.line == -1);
    messages.push_back({file_, known ? m.line + 1 : 0, known ? m.column + 1 : 0, message});
  }
  void ProblemAt(const YAML::Mark& m, const std::string& message) {
    messages.push_back({file_, m.line + 1, m.column + 1, message});
  }

  // Rejects keys that are not in `allowed`.
  void Keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, std::string_view what) {
    if (!map.IsMap()) return;
    for (const auto& kv : map) {
      std::string key = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        Problem(kv.first, "unknown key '" + key + "' in " + std::string(what) + " (allowed: " + list + ")");
      }
    }
  }

  std::string String(const YAML::Node& parent, const char* key, std::string_view what, bool required) {
    YAML::Node n = parent[key];
    if (!n) {
      if (required) Problem(parent, std::string(what) + " needs '" + key + "'");
      return {};
    }
    if (!n.IsScalar()) {
      Problem(n, std::string(what) + ": '" + key + "' must be a single value");
      return {};
    }
    return n.Scalar();
  }

  Text ReadText(const YAML::Node& parent, const char* key, std::string_view what, bool required) {
    YAML::Node n = parent[key];
    Text t;
    if (!n) {
      if (required) Problem(parent, std::string(what) + " needs '" + key + "' with ru and en");
      return t;
    }
    return TextOf(n, std::string(what) + "." + key);
  }

  Text TextOf(const YAML::Node& n, const std::string& what) {
    Text t;
    if (n.IsScalar()) {  // one phrase for both languages
      t.ru = t.en = n.Scalar();
      return t;
    }
    if (!n.IsMap()) {
      Problem(n, what + " must be text or {ru: …, en: …}");
      return t;
    }
    Keys(n, {"ru", "en"}, what);
    t.ru = String(n, "ru", what, true);
    t.en = String(n, "en", what, true);
    return t;
  }

  std::vector<std::string> Codes(const YAML::Node& parent, const char* key, std::string_view what) {
    std::vector<std::string> out;
    YAML::Node n = parent[key];
    if (!n) return out;
    if (!n.IsSequence()) {
      Problem(n, std::string(what) + ": '" + key + "' must be a list");
      return out;
    }
    for (const auto& e : n) {
      if (!e.IsScalar()) Problem(e, std::string(what) + ": entries of '" + key + "' must be names");
      else out.push_back(e.Scalar());
    }
    return out;
  }

  std::optional<Duration> DurationOf(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      Problem(n, what + " must be a duration such as \"30 working minutes\" or \"2 business days\"");
      return std::nullopt;
    }
    auto d = ParseDuration(n.Scalar());
    if (!d)
      Problem(n, what + ": '" + n.Scalar() +
                     "' is not a duration; use e.g. \"15 minutes\", \"30 working minutes\", \"4 hours\", "
                     "\"2 business days\", \"3 days\"");
    return d;
  }

  std::vector<Condition> Conditions(const YAML::Node& n, const std::string& what) {
    std::vector<Condition> out;
    if (!n) return out;
    if (n.IsSequence()) {
      for (const auto& e : n) {
        auto one = Conditions(e, what);
        out.insert(out.end(), one.begin(), one.end());
      }
      return out;
    }
    if (!n.IsMap()) {
      Problem(n, what + " must be a condition such as {field: channel, equals: phone}");
      return out;
    }
    Keys(n, {"field", "equals", "not_equals", "greater_than", "less_than", "is_set"}, what);
    Condition c;
    c.field = String(n, "field", what, true);
    int ops = 0;
    auto value = [&](const YAML::Node& v) -> nlohmann::json {
      std::string s = v.Scalar();
      if (!s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) {
        try {
          size_t used = 0;
          long long x = std::stoll(s, &used);
          if (used == s.size()) return x;
        } catch (...) {
        }
      }
      if (s == "true") return true;
      if (s == "false") return false;
      return s;
    };
    struct OpKey {
      const char* key;
      Condition::Op op;
    } keys[] = {{"equals", Condition::Op::kEquals},
                {"not_equals", Condition::Op::kNotEquals},
                {"greater_than", Condition::Op::kGreaterThan},
                {"less_than", Condition::Op::kLessThan}};
    for (const auto& k : keys) {
      if (YAML::Node v = n[k.key]) {
        ++ops;
        c.op = k.op;
        if (!v.IsScalar()) Problem(v, what + ": '" + k.key + "' needs a single value");
        else c.value = value(v);
        if ((k.op == Condition::Op::kGreaterThan || k.op == Condition::Op::kLessThan) && !c.value.is_number())
          Problem(v, what + ": '" + k.key + "' needs a number");
      }
    }
    if (YAML::Node v = n["is_set"]) {
      ++ops;
      bool set = v.IsScalar() && v.Scalar() == "true";
      if (!v.IsScalar() || (v.Scalar() != "true" && v.Scalar() != "false")) Problem(v, what + ": is_set must be true or false");
      c.op = set ? Condition::Op::kIsSet : Condition::Op::kIsNotSet;
    }
    if (ops != 1) Problem(n, what + " needs exactly one of equals, not_equals, greater_than, less_than, is_set");
    out.push_back(c);
    return out;
  }

  std::vector<Action> Actions(const YAML::Node& n, const std::string& what) {
    std::vector<Action> out;
    if (!n) return out;
    if (!n.IsSequence()) {
      Problem(n, what + " must be a list of actions");
      return out;
    }
    for (size_t i = 0; i < n.size(); ++i) {
      const YAML::Node& a = n[i];
      std::string where = what + "[" + std::to_string(i + 1) + "]";
      if (!a.IsMap()) {
        Problem(a, where + " must be an action such as {task: …} or {notify: …}");
        continue;
      }
      Action act;
      int kinds = 0;
      for (const auto& kv : a) {
        std::string key = kv.first.Scalar();
        const YAML::Node& body = kv.second;
        if (key == "if") {
          act.when = Conditions(body, where + ".if");
          continue;
        }
        ++kinds;
        if (key == "task") {
          act.kind = Action::Kind::kTask;
          Keys(body, {"code", "title", "due", "due_field", "due_before", "assignee", "checkpoint", "notify"}, where + ".task");
          act.code = String(body, "code", where + ".task", true);
          act.title = ReadText(body, "title", where + ".task", true);
          if (body["due"]) act.due = DurationOf(body["due"], where + ".task.due");
          act.due_field = String(body, "due_field", where + ".task", false);
          if (body["due_before"]) act.due_before = DurationOf(body["due_before"], where + ".task.due_before");
          if (!body["due"] && act.due_field.empty()) Problem(body, where + ".task needs 'due' or 'due_field'");
          std::string assignee = String(body, "assignee", where + ".task", false);
          if (!assignee.empty()) {
            if (assignee != "responsible" && assignee != "head")
              Problem(body["assignee"], where + ".task.assignee must be responsible or head");
            act.assignee = assignee;
          }
          if (YAML::Node cp = body["checkpoint"]) act.checkpoint = cp.IsScalar() && cp.Scalar() == "true";
          act.notify = Codes(body, "notify", where + ".task");
        } else if (key == "notify" || key == "deviation") {
          act.kind = key == "notify" ? Action::Kind::kNotify : Action::Kind::kDeviation;
          Keys(body, {"code", "roles", "message"}, where + "." + key);
          act.code = String(body, "code", where + "." + key, key == "deviation");
          act.notify = Codes(body, "roles", where + "." + key);
          act.message = ReadText(body, "message", where + "." + key, true);
        } else if (key == "email") {
          act.kind = Action::Kind::kEmail;
          Keys(body, {"template", "to"}, where + ".email");
          act.template_code = String(body, "template", where + ".email", true);
          act.to = String(body, "to", where + ".email", false);
          if (act.to.empty()) act.to = "contact";
        } else if (key == "move") {
          act.kind = Action::Kind::kMove;
          if (body.IsScalar()) act.to = body.Scalar();
          else Problem(body, where + ".move must name a stage");
        } else if (key == "members") {
          act.kind = Action::Kind::kMembers;
          Keys(body, {"add"}, where + ".members");
          act.roles = Codes(body, "add", where + ".members");
        } else if (key == "set") {
          act.kind = Action::Kind::kSet;
          Keys(body, {"field", "value"}, where + ".set");
          act.field = String(body, "field", where + ".set", true);
          if (YAML::Node v = body["value"]) act.value = v.IsNull() ? nlohmann::json(nullptr) : nlohmann::json(v.Scalar());
        } else {
          Problem(kv.first, where + ": unknown action '" + key +
                                "' (allowed: task, notify, email, move, members, set, deviation, if)");
        }
      }
      if (kinds != 1) Problem(a, where + " must hold exactly one action");
      out.push_back(std::move(act));
    }
    return out;
  }

 private:
  std::string file_;
};

void CheckStageRefs(Parser& p, const YAML::Node& root, const Definition& d) {
  std::set<std::string> codes;
  for (const auto& s : d.stages) codes.insert(s.code);
  auto check = [&](const YAML::Node& at, const std::string& code, const std::string& what) {
    if (!code.empty() && !codes.count(code)) p.Problem(at, what + ": no stage '" + code + "' in this pipeline");
  };
  YAML::Node stages = root["stages"];
  for (size_t i = 0; i < d.stages.size() && stages && i < stages.size(); ++i) {
    const Stage& s = d.stages[i];
    const YAML::Node& n = stages[i];
    for (const auto& c : s.next) check(n["next"], c, "stage " + s.code + " next");
    for (const auto& c : s.returns) check(n["returns"], c, "stage " + s.code + " returns");
    for (const auto& [cond, to] : s.auto_moves) check(n["auto"], to, "stage " + s.code + " auto");
    for (const auto& a : s.on_enter)
      if (a.kind == Action::Kind::kMove) check(n["on_enter"], a.to, "stage " + s.code + " on_enter move");
    for (const auto& t : s.timers)
      for (const auto& a : t.actions)
        if (a.kind == Action::Kind::kMove) check(n["timers"], a.to, "stage " + s.code + " timer move");
  }
  YAML::Node triggers = root["triggers"];
  for (size_t i = 0; i < d.triggers.size() && triggers && i < triggers.size(); ++i)
    for (const auto& a : d.triggers[i].actions)
      if (a.kind == Action::Kind::kMove) check(triggers[i], a.to, "trigger " + std::to_string(i + 1) + " move");
  YAML::Node reasons = root["lost_reasons"];
  for (size_t i = 0; i < d.lost_reasons.size() && reasons && i < reasons.size(); ++i)
    for (const auto& a : d.lost_reasons[i].actions)
      if (a.kind == Action::Kind::kMove) check(reasons[i], a.to, "lost reason " + d.lost_reasons[i].code + " move");
}

Definition Parse(Parser& p, const YAML::Node& root) {
  Definition d;
  if (!root.IsMap()) {
    p.Problem(root, "a pipeline definition must be a map with code, name and stages");
    return d;
  }
  p.Keys(root, {"code", "name", "stages", "triggers", "lost_reasons"}, "pipeline");
  d.code = p.String(root, "code", "pipeline", true);
  d.name = p.ReadText(root, "name", "pipeline", true);
  YAML::Node stages = root["stages"];
  if (!stages || !stages.IsSequence() || stages.size() == 0) {
    p.Problem(stages ? stages : root, "pipeline needs a non-empty list 'stages'");
  } else {
    std::set<std::string> seen;
    for (const auto& n : stages) {
      Stage s;
      if (!n.IsMap()) {
        p.Problem(n, "each stage must be a map with code and name");
        continue;
      }
      p.Keys(n, {"code", "name", "goal", "script", "checklist", "requires", "next", "returns", "on_enter", "timers",
                 "auto", "kind"},
             "stage");
      s.code = p.String(n, "code", "stage", true);
      std::string what = "stage " + s.code;
      if (!s.code.empty() && !seen.insert(s.code).second) p.Problem(n["code"], "stage code '" + s.code + "' is used twice");
      s.name = p.ReadText(n, "name", what, true);
      s.goal = p.ReadText(n, "goal", what, false);
      if (YAML::Node script = n["script"]) {
        if (!script.IsSequence()) p.Problem(script, what + ": script must be a list of steps");
        else
          for (const auto& step : script) s.script.push_back(p.TextOf(step, what + " script step"));
      }
      if (YAML::Node list = n["checklist"]) {
        if (!list.IsSequence()) p.Problem(list, what + ": checklist must be a list");
        else
          for (const auto& item : list) {
            if (!item.IsMap()) {
              p.Problem(item, what + ": checklist items are {code, ru, en}");
              continue;
            }
            p.Keys(item, {"code", "ru", "en"}, what + " checklist item");
            std::string code = p.String(item, "code", what + " checklist item", true);
            s.checklist.emplace_back(code, Text{p.String(item, "ru", what + " checklist item", true),
                                                p.String(item, "en", what + " checklist item", true)});
          }
      }
      s.requires_fields = p.Codes(n, "requires", what);
      s.next = p.Codes(n, "next", what);
      s.returns = p.Codes(n, "returns", what);
      s.on_enter = p.Actions(n["on_enter"], what + " on_enter");
      if (YAML::Node timers = n["timers"]) {
        if (!timers.IsSequence()) p.Problem(timers, what + ": timers must be a list");
        else
          for (size_t i = 0; i < timers.size(); ++i) {
            const YAML::Node& t = timers[i];
            p.Keys(t, {"after", "do"}, what + " timer");
            Timer timer;
            timer.code = s.code + "." + std::to_string(i + 1);
            if (!t["after"]) p.Problem(t, what + " timer needs 'after'");
            else if (auto dur = p.DurationOf(t["after"], what + " timer after")) timer.after = *dur;
            timer.actions = p.Actions(t["do"], what + " timer do");
            s.timers.push_back(std::move(timer));
          }
      }
      if (YAML::Node autos = n["auto"]) {
        if (!autos.IsSequence()) p.Problem(autos, what + ": auto must be a list of {to, if}");
        else
          for (const auto& a : autos) {
            p.Keys(a, {"to", "if"}, what + " auto");
            auto conds = p.Conditions(a["if"], what + " auto if");
            std::string to = p.String(a, "to", what + " auto", true);
            if (conds.size() != 1) p.Problem(a, what + " auto needs one condition in 'if'");
            else s.auto_moves.emplace_back(conds[0], to);
          }
      }
      s.kind = p.String(n, "kind", what, false);
      if (!s.kind.empty() && s.kind != "won" && s.kind != "lost") p.Problem(n["kind"], what + ": kind must be won or lost");
      d.stages.push_back(std::move(s));
    }
  }
  if (YAML::Node triggers = root["triggers"]) {
    if (!triggers.IsSequence()) p.Problem(triggers, "triggers must be a list");
    else
      for (size_t i = 0; i < triggers.size(); ++i) {
        const YAML::Node& t = triggers[i];
        std::string what = "trigger " + std::to_string(i + 1);
        p.Keys(t, {"on", "if", "do"}, what);
        Trigger trig;
        trig.on = p.String(t, "on", what, true);
        static const char* prefixes[] = {"scored", "field_changed:", "task_done:", "lost:", "external:", "won"};
        bool ok = false;
        for (auto* pre : prefixes) ok = ok || trig.on.rfind(pre, 0) == 0;
        if (!trig.on.empty() && !ok)
          p.Problem(t["on"], what + ": 'on' must be scored, won, field_changed:FIELD, task_done:CODE, lost:REASON or external:NAME");
        trig.when = p.Conditions(t["if"], what + " if");
        trig.actions = p.Actions(t["do"], what + " do");
        d.triggers.push_back(std::move(trig));
      }
  }
  if (YAML::Node reasons = root["lost_reasons"]) {
    if (!reasons.IsSequence()) p.Problem(reasons, "lost_reasons must be a list");
    else
      for (const auto& r : reasons) {
        p.Keys(r, {"code", "name", "requires", "do"}, "lost reason");
        LostReason lr;
        lr.code = p.String(r, "code", "lost reason", true);
        lr.name = p.ReadText(r, "name", "lost reason " + lr.code, true);
        lr.requires_fields = p.Codes(r, "requires", "lost reason " + lr.code);
        lr.actions = p.Actions(r["do"], "lost reason " + lr.code + " do");
        d.lost_reasons.push_back(std::move(lr));
      }
  }
  CheckStageRefs(p, root, d);
  return d;
}

Result<Definition> ParseText(std::string_view yaml, std::string_view file_name, std::vector<LintMessage>* lint) {
  Parser p(file_name);
  Definition d;
  // Names, goals and scripts go out as JSON, which must be UTF-8: a broken byte would fail
  // every answer that carries the pipeline. Refused with its line (found by fuzz/pipeline_yaml).
  if (auto bad = FirstNonUtf8Line(yaml)) {
    YAML::Mark mark = YAML::Mark::null_mark();
    mark.line = bad->line;
    mark.column = 0;
    mark.pos = static_cast<int>(bad->offset);
    p.ProblemAt(mark, "the file is not valid UTF-8 text (save it as UTF-8)");
    if (lint) *lint = p.messages;
    return Error::Invalid("definition", JoinLint(p.messages));
  }
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    d = Parse(p, root);
  } catch (const YAML::ParserException& e) {
    p.ProblemAt(e.mark, "YAML syntax: " + e.msg);
  } catch (const YAML::Exception& e) {
    // A text where a map is expected (found by fuzz/pipeline_yaml): named, not thrown at the caller.
    p.ProblemAt(e.mark, "unexpected structure here (" + e.msg + "): a map of keys is expected");
  }
  if (lint) *lint = p.messages;
  if (!p.messages.empty()) return Error::Invalid("definition", JoinLint(p.messages));
  return d;
}

}  // namespace

std::optional<Duration> ParseDuration(std::string_view text) {
  std::string s = Lower(text);
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  size_t start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == start || i - start > 6) return std::nullopt;
  int64_t n = std::stoll(s.substr(start, i - start));
  std::string unit = s.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  while (!unit.empty() && unit.back() == ' ') unit.pop_back();
  Duration d;
  d.amount = n;
  if (unit == "minute" || unit == "minutes") d.unit = Duration::Unit::kMinutes;
  else if (unit == "working minute" || unit == "working minutes") d.unit = Duration::Unit::kWorkingMinutes;
  else if (unit == "hour" || unit == "hours") d.unit = Duration::Unit::kMinutes, d.amount = n * 60;
  else if (unit == "working hour" || unit == "working hours") d.unit = Duration::Unit::kWorkingMinutes, d.amount = n * 60;
  else if (unit == "day" || unit == "days") d.unit = Duration::Unit::kDays;
  else if (unit == "business day" || unit == "business days") d.unit = Duration::Unit::kBusinessDays;
  else return std::nullopt;
  return d;
}

std::string FormatDuration(const Duration& d) {
  switch (d.unit) {
    case Duration::Unit::kMinutes: return std::to_string(d.amount) + " minutes";
    case Duration::Unit::kWorkingMinutes: return std::to_string(d.amount) + " working minutes";
    case Duration::Unit::kBusinessDays: return std::to_string(d.amount) + " business days";
    case Duration::Unit::kDays: return std::to_string(d.amount) + " days";
  }
  return "";
}

bool Condition::Holds(const nlohmann::json& fields) const {
  nlohmann::json v = fields.is_object() && fields.contains(field) ? fields[field] : nlohmann::json(nullptr);
  switch (op) {
    case Op::kEquals: return v == value || (v.is_string() && value.is_number() && v.get<std::string>() == value.dump());
    case Op::kNotEquals: return !(v == value);
    case Op::kGreaterThan: return v.is_number() && value.is_number() && v.get<double>() > value.get<double>();
    case Op::kLessThan: return v.is_number() && value.is_number() && v.get<double>() < value.get<double>();
    case Op::kIsSet: return !v.is_null() && !(v.is_string() && v.get<std::string>().empty());
    case Op::kIsNotSet: return v.is_null() || (v.is_string() && v.get<std::string>().empty());
  }
  return false;
}

const Stage* Definition::FindStage(std::string_view c) const {
  for (const auto& s : stages)
    if (s.code == c) return &s;
  return nullptr;
}

const LostReason* Definition::FindLostReason(std::string_view c) const {
  for (const auto& r : lost_reasons)
    if (r.code == c) return &r;
  return nullptr;
}

std::vector<LintMessage> LintDefinition(std::string_view yaml, std::string_view file_name) {
  std::vector<LintMessage> lint;
  (void)ParseText(yaml, file_name, &lint);
  return lint;
}

Result<Definition> LoadDefinition(std::string_view yaml, std::string_view file_name) {
  return ParseText(yaml, file_name, nullptr);
}

namespace {
const std::map<std::string, Definition>& Shipped() {
  static const std::map<std::string, Definition> all = [] {
    std::map<std::string, Definition> m;
    for (const auto& [name, text] : EmbeddedProcessFiles()) {
      if (name.find("scoring") != std::string_view::npos) continue;
      YAML::Node probe;
      try {
        probe = YAML::Load(std::string(text));
      } catch (...) {
        continue;
      }
      if (!probe.IsMap() || !probe["stages"]) continue;  // scoring models and other files
      auto d = LoadDefinition(text, name);
      if (d.ok()) m.emplace(d.value().code, std::move(d.value()));
    }
    return m;
  }();
  return all;
}
}  // namespace

const Definition* ShippedDefinition(std::string_view code) {
  auto it = Shipped().find(std::string(code));
  return it == Shipped().end() ? nullptr : &it->second;
}

std::vector<std::string> ShippedDefinitionCodes() {
  std::vector<std::string> out;
  for (const auto& [code, d] : Shipped()) out.push_back(code);
  return out;
}

nlohmann::json DefinitionToJson(const Definition& d) {
  using nlohmann::json;
  auto text = [](const Text& t) { return json{{"ru", t.ru}, {"en", t.en}}; };
  json stages = json::array();
  for (const auto& s : d.stages) {
    json script = json::array(), checklist = json::array();
    for (const auto& step : s.script) script.push_back(text(step));
    for (const auto& [code, t] : s.checklist) checklist.push_back({{"code", code}, {"ru", t.ru}, {"en", t.en}});
    stages.push_back({{"code", s.code}, {"name", text(s.name)}, {"goal", text(s.goal)}, {"script", script},
                      {"checklist", checklist}, {"requires", s.requires_fields}, {"next", s.next},
                      {"returns", s.returns}, {"kind", s.kind}});
  }
  json reasons = json::array();
  for (const auto& r : d.lost_reasons)
    reasons.push_back({{"code", r.code}, {"name", text(r.name)}, {"requires", r.requires_fields}});
  return {{"code", d.code}, {"name", text(d.name)}, {"stages", stages}, {"lost_reasons", reasons}};
}

}  // namespace voronka::process
