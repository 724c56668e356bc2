#include "analytics/motivation.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <optional>
#include <stdexcept>

#include "process/definition.h"

namespace voronka::analytics {

// Generated from processes/motivation/*.yaml (src/CMakeLists.txt).
std::vector<std::pair<std::string_view, std::string_view>> EmbeddedMotivationFiles();

namespace {

const char* const kActivityTypes[] = {"call", "meeting", "email", "note", "visit", "message"};
const char* const kQualityFields[] = {"goal", "next_step", "outcome"};

class Linter {
 public:
  Linter(std::string_view file, const std::vector<std::string>& stages) : file_(file), stages_(stages) {}
  std::vector<LintMessage> messages;
  Scheme scheme;

  void Problem(const YAML::Node& at, const std::string& message) {
    YAML::Mark m = at.Mark();
    bool known = at.IsDefined() && m.line != -1;
    messages.push_back({file_, known ? m.line + 1 : 0, known ? m.column + 1 : 0, message});
  }

  void Keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, const std::string& what) {
    if (!map.IsMap()) return;
    for (const auto& kv : map) {
      std::string key = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Problem(kv.first, "unknown key '" + key + "' in " + what + " (allowed: " + list + ")");
    }
  }

  std::optional<int64_t> Int(const YAML::Node& parent, const char* key, const std::string& what, int64_t min,
                             int64_t max, bool required = true) {
    YAML::Node n = parent[key];
    if (!n) {
      if (required) Problem(parent, what + " needs '" + key + "'");
      return std::nullopt;
    }
    int64_t v = 0;
    const std::string& s = n.IsScalar() ? n.Scalar() : std::string();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < min || v > max) {
      Problem(n, what + ": '" + key + "' must be a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max));
      return std::nullopt;
    }
    return v;
  }

  std::string Str(const YAML::Node& parent, const char* key, const std::string& what) {
    YAML::Node n = parent[key];
    if (!n) {
      Problem(parent, what + " needs '" + key + "'");
      return {};
    }
    if (!n.IsScalar() || n.Scalar().empty()) {
      Problem(n, what + ": '" + key + "' must be a non-empty text");
      return {};
    }
    return n.Scalar();
  }

  void Name(const YAML::Node& parent, const std::string& what, std::string& ru, std::string& en) {
    YAML::Node n = parent["name"];
    if (!n || !n.IsMap()) {
      Problem(n ? n : parent, what + " needs 'name' with ru and en");
      return;
    }
    Keys(n, {"ru", "en"}, what + " name");
    ru = Str(n, "ru", what + " name");
    en = Str(n, "en", what + " name");
  }

  void Action(const YAML::Node& a, size_t index) {
    std::string what = "action " + std::to_string(index + 1);
    if (!a.IsMap()) {
      Problem(a, what + " must be a mapping with code, name, points, counts");
      return;
    }
    Keys(a, {"code", "name", "points", "counts", "quality"}, what);
    ActionRule rule;
    rule.code = Str(a, "code", what);
    if (!rule.code.empty()) {
      what = "action '" + rule.code + "'";
      for (const auto& other : scheme.actions)
        if (other.code == rule.code) Problem(a["code"], "action code '" + rule.code + "' is used twice");
    }
    Name(a, what, rule.name_ru, rule.name_en);
    rule.points = static_cast<int>(Int(a, "points", what, 0, 10000).value_or(0));
    YAML::Node counts = a["counts"];
    if (!counts || !counts.IsMap() || counts.size() != 1) {
      Problem(counts ? counts : a, what + ": 'counts' must be {activity: TYPE} or {stage_reached: STAGE}");
    } else {
      Keys(counts, {"activity", "stage_reached"}, what + " counts");
      if (counts["activity"]) {
        rule.activity = counts["activity"].IsScalar() ? counts["activity"].Scalar() : "";
        if (std::find(std::begin(kActivityTypes), std::end(kActivityTypes), rule.activity) == std::end(kActivityTypes))
          Problem(counts["activity"], what + ": unknown activity type '" + rule.activity +
                                          "' (call, meeting, email, note, visit, message)");
      } else if (counts["stage_reached"]) {
        rule.stage_reached = counts["stage_reached"].IsScalar() ? counts["stage_reached"].Scalar() : "";
        if (std::find(stages_.begin(), stages_.end(), rule.stage_reached) == stages_.end()) {
          std::string list;
          for (const auto& s : stages_) list += (list.empty() ? "" : ", ") + s;
          Problem(counts["stage_reached"], what + ": '" + rule.stage_reached +
                                               "' is not a stage of the funnel (" + list + ")");
        }
      }
    }
    if (YAML::Node q = a["quality"]) {
      if (!q.IsMap()) {
        Problem(q, what + ": 'quality' must be a mapping (required, min_amount)");
      } else {
        Keys(q, {"required", "min_amount"}, what + " quality");
        if (YAML::Node req = q["required"]) {
          if (!req.IsSequence()) Problem(req, what + ": 'required' must be a list of goal, next_step, outcome");
          else
            for (const auto& f : req) {
              std::string field = f.IsScalar() ? f.Scalar() : "";
              if (std::find(std::begin(kQualityFields), std::end(kQualityFields), field) == std::end(kQualityFields))
                Problem(f, what + ": '" + field + "' cannot be required (goal, next_step, outcome)");
              else rule.required.push_back(field);
            }
          if (!rule.required.empty() && rule.activity.empty())
            Problem(req, what + ": 'required' fields apply to activities only");
        }
        if (q["min_amount"]) rule.min_amount = Int(q, "min_amount", what, 0, 1'000'000'000).value_or(0) * 100;
      }
    }
    scheme.actions.push_back(rule);
  }

  void Run(std::string_view yaml) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::ParserException& e) {
      messages.push_back({file_, e.mark.line + 1, e.mark.column + 1, e.msg});
      return;
    }
    if (!root.IsMap()) {
      messages.push_back({file_, 1, 1, "a motivation scheme must be a mapping"});
      return;
    }
    Keys(root, {"code", "name", "points_plan", "actions", "salary_levels", "sales_plan", "sales_percent"}, "the scheme");
    scheme.code = Str(root, "code", "the scheme");
    Name(root, "the scheme", scheme.name_ru, scheme.name_en);
    scheme.points_plan = static_cast<int>(Int(root, "points_plan", "the scheme", 1, 1'000'000).value_or(0));
    scheme.sales_plan = Int(root, "sales_plan", "the scheme", 1, 1'000'000'000).value_or(0) * 100;
    YAML::Node actions = root["actions"];
    if (!actions || !actions.IsSequence() || actions.size() == 0) Problem(actions ? actions : root, "the scheme needs a list of 'actions'");
    else
      for (size_t i = 0; i < actions.size(); ++i) Action(actions[i], i);

    YAML::Node levels = root["salary_levels"];
    if (!levels || !levels.IsSequence() || levels.size() == 0) {
      Problem(levels ? levels : root, "the scheme needs 'salary_levels': [{from_points, base}]");
    } else {
      for (size_t i = 0; i < levels.size(); ++i) {
        std::string what = "salary level " + std::to_string(i + 1);
        Keys(levels[i], {"from_points", "base"}, what);
        auto from = Int(levels[i], "from_points", what, 0, 1'000'000);
        auto base = Int(levels[i], "base", what, 0, 100'000'000);
        if (!from || !base) continue;
        if (scheme.levels.empty() && *from != 0) Problem(levels[i]["from_points"], what + ": the first level starts from 0 points");
        if (!scheme.levels.empty() && *from <= scheme.levels.back().from_points)
          Problem(levels[i]["from_points"], what + ": levels must go up (" + std::to_string(*from) + " after " +
                                                std::to_string(scheme.levels.back().from_points) + ")");
        scheme.levels.push_back({static_cast<int>(*from), *base * 100});
      }
    }
    YAML::Node tiers = root["sales_percent"];
    if (!tiers || !tiers.IsSequence() || tiers.size() == 0) {
      Problem(tiers ? tiers : root, "the scheme needs 'sales_percent': [{from_plan_percent, percent}]");
    } else {
      for (size_t i = 0; i < tiers.size(); ++i) {
        std::string what = "sales tier " + std::to_string(i + 1);
        Keys(tiers[i], {"from_plan_percent", "percent"}, what);
        auto from = Int(tiers[i], "from_plan_percent", what, 0, 10'000);
        auto percent = Int(tiers[i], "percent", what, 0, 100);
        if (!from || !percent) continue;
        if (scheme.tiers.empty() && *from != 0) Problem(tiers[i]["from_plan_percent"], what + ": the first tier starts from 0%");
        if (!scheme.tiers.empty() && *from <= scheme.tiers.back().from_plan_percent)
          Problem(tiers[i]["from_plan_percent"], what + ": tiers must go up");
        scheme.tiers.push_back({static_cast<int>(*from), static_cast<int>(*percent)});
      }
    }
  }

 private:
  std::string file_;
  const std::vector<std::string>& stages_;
};

bool Passes(const ActionRule& rule, const ActionFact& f) {
  for (const auto& field : rule.required) {
    if (field == "goal" && !f.goal) return false;
    if (field == "next_step" && !f.next_step) return false;
    if (field == "outcome" && !f.outcome) return false;
  }
  return f.amount >= rule.min_amount;
}

}  // namespace

std::vector<LintMessage> LintScheme(std::string_view yaml, std::string_view file, const std::vector<std::string>& stages) {
  Linter l(file, stages);
  l.Run(yaml);
  return l.messages;
}

Result<Scheme> LoadScheme(std::string_view yaml, std::string_view file, const std::vector<std::string>& stages) {
  Linter l(file, stages);
  l.Run(yaml);
  if (!l.messages.empty()) return Error::Invalid("yaml", JoinLint(l.messages));
  return l.scheme;
}

const std::string& DefaultSchemeYaml() {
  static const std::string yaml = [] {
    for (const auto& [name, text] : EmbeddedMotivationFiles())
      if (name == "it_studio.yaml") return std::string(text);
    throw std::logic_error("processes/motivation/it_studio.yaml is not compiled in");
  }();
  return yaml;
}

const Scheme& DefaultScheme() {
  static const Scheme scheme = [] {
    std::vector<std::string> stages;
    if (const process::Definition* d = process::ShippedDefinition("it_studio"))
      for (const auto& s : d->stages)
        if (s.kind != "lost") stages.push_back(s.code);
    auto r = LoadScheme(DefaultSchemeYaml(), "processes/motivation/it_studio.yaml", stages);
    if (!r.ok()) throw std::logic_error(r.error().message);
    return r.value();
  }();
  return scheme;
}

std::vector<PayrollRow> ComputePayroll(const Scheme& scheme, const std::vector<Person>& people,
                                       const std::vector<ActionFact>& facts) {
  std::vector<PayrollRow> rows;
  std::map<int64_t, size_t> at;
  for (const auto& p : people) {
    PayrollRow r;
    r.user_id = p.user_id;
    r.name = p.name;
    r.sales_plan = p.sales_plan > 0 ? p.sales_plan : scheme.sales_plan;
    for (const auto& a : scheme.actions) r.actions.push_back({a.code, 0, 0, 0});
    at[p.user_id] = rows.size();
    rows.push_back(std::move(r));
  }
  for (const auto& f : facts) {
    auto it = at.find(f.user_id);
    if (it == at.end()) continue;
    PayrollRow& r = rows[it->second];
    if (f.sale) r.sales += f.amount;
    for (size_t i = 0; i < scheme.actions.size(); ++i) {
      const ActionRule& rule = scheme.actions[i];
      bool matches = (!rule.activity.empty() && rule.activity == f.activity) ||
                     (!rule.stage_reached.empty() && rule.stage_reached == f.stage_reached);
      if (!matches) continue;
      if (Passes(rule, f)) {
        ++r.actions[i].counted;
        r.actions[i].points += rule.points;
      } else {
        ++r.actions[i].rejected;
      }
    }
  }
  for (auto& r : rows) {
    for (const auto& a : r.actions) r.points += a.points;
    if (scheme.points_plan > 0) r.points_plan_percent = static_cast<int>(r.points * 100 / scheme.points_plan);
    for (const auto& level : scheme.levels)
      if (r.points >= level.from_points) r.base = level.base, r.level_from_points = level.from_points;
    if (r.sales_plan > 0) r.sales_plan_percent = static_cast<int>(r.sales * 100 / r.sales_plan);
    for (const auto& tier : scheme.tiers)
      if (r.sales_plan_percent >= tier.from_plan_percent) r.percent = tier.percent;
    r.bonus = r.sales * r.percent / 100;
    r.total = r.base + r.bonus;
  }
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (rows[a].points != rows[b].points) return rows[a].points > rows[b].points;
    return rows[a].sales > rows[b].sales;
  });
  for (size_t i = 0; i < order.size(); ++i) rows[order[i]].rank = static_cast<int>(i + 1);
  return rows;
}

}  // namespace voronka::analytics
