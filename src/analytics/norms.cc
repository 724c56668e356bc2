#include "analytics/norms.h"

#include <date/tz.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <regex>
#include <stdexcept>

namespace voronka::analytics {

// Generated from processes/norms/*.yaml (src/CMakeLists.txt).
std::vector<std::pair<std::string_view, std::string_view>> EmbeddedNormsFiles();

namespace {

const char* const kActivityTypes[] = {"call", "meeting", "email", "note", "visit", "message"};

class Linter {
 public:
  Linter(std::string_view file, const std::vector<std::string>& stages) : file_(file), stages_(stages) {}
  std::vector<LintMessage> messages;
  Norms norms;

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

  // "09:30" → 570.
  std::optional<int> Minute(const YAML::Node& parent, const char* key) {
    YAML::Node n = parent[key];
    static const std::regex kTime("^([01][0-9]|2[0-3]):([0-5][0-9])$");
    std::smatch m;
    std::string s = n && n.IsScalar() ? n.Scalar() : "";
    if (!std::regex_match(s, m, kTime)) {
      Problem(n ? n : parent, std::string("working_hours: '") + key + "' must be a time like \"09:00\"");
      return std::nullopt;
    }
    return std::stoi(m[1]) * 60 + std::stoi(m[2]);
  }

  void Item(const YAML::Node& a, size_t index) {
    std::string what = "norm " + std::to_string(index + 1);
    if (!a.IsMap()) {
      Problem(a, what + " must be a mapping with code, name, per_day, counts");
      return;
    }
    Keys(a, {"code", "name", "per_day", "counts"}, what);
    Norm norm;
    norm.code = Str(a, "code", what);
    if (!norm.code.empty()) {
      what = "norm '" + norm.code + "'";
      for (const auto& other : norms.norms)
        if (other.code == norm.code) Problem(a["code"], "norm code '" + norm.code + "' is used twice");
    }
    Name(a, what, norm.name_ru, norm.name_en);
    YAML::Node per_day = a["per_day"];
    static const std::regex kNumber("^([0-9]{1,4})(\\.([0-9]{1,2}))?$");
    std::smatch m;
    std::string s = per_day && per_day.IsScalar() ? per_day.Scalar() : "";
    if (!per_day) {
      Problem(a, what + " needs 'per_day'");
    } else if (!std::regex_match(s, m, kNumber) || std::stoll(m[1]) > 1000) {
      Problem(per_day, what + ": 'per_day' must be a number from 0 to 1000 with at most two decimals, like 20 or 0.25");
    } else {
      std::string cents = m[3].matched ? m[3].str() : "0";
      if (cents.size() == 1) cents += "0";
      norm.per_day_x100 = std::stoll(m[1]) * 100 + std::stoll(cents);
    }
    YAML::Node counts = a["counts"];
    if (!counts || !counts.IsMap() || counts.size() != 1) {
      Problem(counts ? counts : a, what + ": 'counts' must be {activity: TYPE} or {stage_reached: STAGE}");
    } else {
      Keys(counts, {"activity", "stage_reached"}, what + " counts");
      if (counts["activity"]) {
        norm.activity = counts["activity"].IsScalar() ? counts["activity"].Scalar() : "";
        if (std::find(std::begin(kActivityTypes), std::end(kActivityTypes), norm.activity) == std::end(kActivityTypes))
          Problem(counts["activity"], what + ": unknown activity type '" + norm.activity +
                                          "' (call, meeting, email, note, visit, message)");
      } else if (counts["stage_reached"]) {
        norm.stage_reached = counts["stage_reached"].IsScalar() ? counts["stage_reached"].Scalar() : "";
        if (std::find(stages_.begin(), stages_.end(), norm.stage_reached) == stages_.end()) {
          std::string list;
          for (const auto& st : stages_) list += (list.empty() ? "" : ", ") + st;
          Problem(counts["stage_reached"],
                  what + ": '" + norm.stage_reached + "' is not a stage of the funnel (" + list + ")");
        }
      }
    }
    norms.norms.push_back(norm);
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
      messages.push_back({file_, 1, 1, "the norms must be a mapping (code, name, working_days, working_hours, norms)"});
      return;
    }
    Keys(root, {"code", "name", "working_days", "working_hours", "norms"}, "the norms");
    norms.code = Str(root, "code", "the norms");
    Name(root, "the norms", norms.name_ru, norms.name_en);

    YAML::Node days = root["working_days"];
    if (!days || !days.IsSequence() || days.size() == 0) {
      Problem(days ? days : root, "the norms need 'working_days': a list of weekdays, 1 = Monday … 7 = Sunday");
    } else {
      for (const auto& d : days) {
        std::string s = d.IsScalar() ? d.Scalar() : "";
        if (s.size() != 1 || s[0] < '1' || s[0] > '7') {
          Problem(d, "working_days: '" + s + "' is not a weekday from 1 (Monday) to 7 (Sunday)");
          continue;
        }
        int day = s[0] - '0';
        if (std::count(norms.working_days.begin(), norms.working_days.end(), day))
          Problem(d, "working_days: " + s + " is listed twice");
        else
          norms.working_days.push_back(day);
      }
    }
    YAML::Node hours = root["working_hours"];
    if (!hours || !hours.IsMap()) {
      Problem(hours ? hours : root, "the norms need 'working_hours': {start: \"09:00\", end: \"18:00\"}");
    } else {
      Keys(hours, {"start", "end"}, "working_hours");
      auto start = Minute(hours, "start"), end = Minute(hours, "end");
      if (start && end && *start >= *end) Problem(hours["end"], "working_hours: the end must be after the start");
      if (start && end) norms.start_minute = *start, norms.end_minute = *end;
    }
    YAML::Node list = root["norms"];
    if (!list || !list.IsSequence() || list.size() == 0) {
      Problem(list ? list : root, "the norms need a list of 'norms'");
    } else {
      for (size_t i = 0; i < list.size(); ++i) Item(list[i], i);
    }
  }

 private:
  std::string file_;
  const std::vector<std::string>& stages_;
};

const date::time_zone* Moscow() {
  static const date::time_zone* zone = date::locate_zone("Europe/Moscow");
  return zone;
}

}  // namespace

std::vector<LintMessage> LintNorms(std::string_view yaml, std::string_view file, const std::vector<std::string>& stages) {
  Linter l(file, stages);
  l.Run(yaml);
  return l.messages;
}

Result<Norms> LoadNorms(std::string_view yaml, std::string_view file, const std::vector<std::string>& stages) {
  Linter l(file, stages);
  l.Run(yaml);
  if (l.messages.empty()) return l.norms;
  Error err = Error::Invalid("yaml", JoinLint(l.messages));
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& m : l.messages) problems.push_back({{"line", m.line}, {"column", m.column}, {"message", m.message}});
  err.extra = {{"problems", problems}};
  return err;
}

const std::string& DefaultNormsYaml() {
  static const std::string yaml = [] {
    for (const auto& [name, text] : EmbeddedNormsFiles())
      if (name == "it_studio.yaml") return std::string(text);
    throw std::logic_error("processes/norms/it_studio.yaml is not compiled in");
  }();
  return yaml;
}

nlohmann::json NormsToJson(const Norms& n) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& x : n.norms)
    items.push_back({{"code", x.code}, {"name", {{"ru", x.name_ru}, {"en", x.name_en}}},
                     {"per_day_x100", x.per_day_x100},
                     {"activity", x.activity.empty() ? nlohmann::json(nullptr) : nlohmann::json(x.activity)},
                     {"stage_reached", x.stage_reached.empty() ? nlohmann::json(nullptr) : nlohmann::json(x.stage_reached)}});
  char start[32], end[32];
  std::snprintf(start, sizeof start, "%02d:%02d", n.start_minute / 60, n.start_minute % 60);
  std::snprintf(end, sizeof end, "%02d:%02d", n.end_minute / 60, n.end_minute % 60);
  return {{"code", n.code}, {"name", {{"ru", n.name_ru}, {"en", n.name_en}}}, {"working_days", n.working_days},
          {"working_hours", {{"start", start}, {"end", end}}}, {"norms", items}};
}

NormClock ClockFor(const Norms& norms, TimeMs now) {
  using std::chrono::milliseconds;
  auto local = Moscow()->to_local(date::sys_time<milliseconds>{milliseconds{now}});
  auto day = date::floor<date::days>(local);
  auto to_utc = [](date::local_days d) {
    return Moscow()->to_sys(d, date::choose::earliest).time_since_epoch().count() * 1000;
  };
  NormClock c;
  c.day_start = to_utc(day);
  c.day_end = to_utc(day + date::days{1});
  unsigned iso = date::weekday{day}.iso_encoding();  // 1 = Monday
  c.week_start = to_utc(day - date::days{iso - 1});
  auto works = [&](int d) { return std::count(norms.working_days.begin(), norms.working_days.end(), d) > 0; };
  c.workday = works(static_cast<int>(iso));
  for (int d = 1; d <= 7; ++d) {
    if (!works(d)) continue;
    ++c.workdays_in_week;
    if (d < static_cast<int>(iso)) ++c.workdays_before;
  }
  if (c.workday) {
    int64_t minute = (now - c.day_start) / 60000;
    int64_t span = norms.end_minute - norms.start_minute;
    int64_t passed = std::clamp<int64_t>(minute - norms.start_minute, 0, span);
    c.day_share_permille = static_cast<int>(passed * 1000 / span);
  }
  return c;
}

std::vector<NormStatus> CompareNorms(const Norms& norms, const NormClock& clock,
                                     const std::map<std::string, int64_t>& today,
                                     const std::map<std::string, int64_t>& week) {
  auto count = [](const std::map<std::string, int64_t>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? int64_t{0} : it->second;
  };
  std::vector<NormStatus> out;
  for (const auto& n : norms.norms) {
    NormStatus s{n.code, count(today, n.code), count(week, n.code)};
    s.today_norm_x100 = clock.workday ? n.per_day_x100 : 0;
    s.week_norm_x100 = n.per_day_x100 * clock.workdays_in_week;
    s.today_expected_x100 = s.today_norm_x100 * clock.day_share_permille / 1000;
    s.week_expected_x100 = n.per_day_x100 * clock.workdays_before + s.today_expected_x100;
    // Behind: fewer than the whole units due by now.
    s.behind = s.today < s.today_expected_x100 / 100 || s.week < s.week_expected_x100 / 100;
    out.push_back(s);
  }
  return out;
}

}  // namespace voronka::analytics
