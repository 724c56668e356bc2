#include "process/calendar.h"

#include <date/tz.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

namespace voronka::process {

std::vector<std::pair<std::string_view, std::string_view>> EmbeddedCalendars();

namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr TimeMs kMsPerMinute = 60'000;
// A run of days without working time longer than this means there is none to find.
constexpr int kMaxIdleDays = 3700;
// Caps keep the day-by-day scans bounded whatever a caller passes.
constexpr int64_t kMaxMinutes = int64_t{100} * 366 * 24 * 60;
constexpr int kMaxSuggestDays = 366;
constexpr int kClientDayStart = 10 * 60;
constexpr int kClientDayEnd = 19 * 60;

template <class Duration>
TimeMs ToMs(date::sys_time<Duration> t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

date::local_days AsLocal(date::sys_days day) { return date::local_days{day.time_since_epoch()}; }

date::local_time<milliseconds> LocalTimeIn(const date::time_zone* zone, TimeMs t) {
  return zone->to_local(date::sys_time<milliseconds>{milliseconds{t}});
}

date::sys_days LocalDayIn(const date::time_zone* zone, TimeMs t) {
  return date::sys_days{date::floor<date::days>(LocalTimeIn(zone, t)).time_since_epoch()};
}

TimeMs LocalToMs(const date::time_zone* zone, date::local_time<milliseconds> t) {
  return ToMs(zone->to_sys(t, date::choose::earliest));
}

const date::time_zone* FindZone(std::string_view name) {
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {  // unknown name, or no tz database at all
    return nullptr;
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "2026-12-31" → that date; nullopt unless exactly YYYY-MM-DD naming an existing date.
std::optional<date::sys_days> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  size_t begin[3] = {0, 5, 8}, length[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t i = begin[p]; i < begin[p] + length[p]; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (s[i] - '0');
    }
  }
  date::year_month_day ymd{date::year{parts[0]}, date::month{unsigned(parts[1])}, date::day{unsigned(parts[2])}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd};
}

// "9:00" / "09:00" … "24:00" → minutes since midnight.
std::optional<int> ParseClock(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() != colon + 3) return std::nullopt;
  int hours = 0, mins = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == colon) continue;
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    (i < colon ? hours : mins) = (i < colon ? hours : mins) * 10 + (s[i] - '0');
  }
  if (mins > 59 || hours > 24 || (hours == 24 && mins != 0)) return std::nullopt;
  return hours * 60 + mins;
}

std::string FormatClock(int minute_of_day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute_of_day / 60, minute_of_day % 60);
  return buf;
}

// Collects every problem with its position instead of stopping at the first.
class Linter {
 public:
  explicit Linter(std::string_view file) : file_(file) {}

  std::vector<LintMessage> messages;

  // In document order; problems without a position last.
  std::vector<LintMessage> TakeSorted() {
    auto key = [](const LintMessage& m) {
      return std::pair(m.line == 0 ? std::numeric_limits<int>::max() : m.line, m.column);
    };
    std::stable_sort(messages.begin(), messages.end(),
                     [&](const LintMessage& a, const LintMessage& b) { return key(a) < key(b); });
    return std::move(messages);
  }

  // Points at `at`, or at `fallback` (usually the key) when `at` is missing or an empty value,
  // whose position yaml-cpp puts on the following line.
  void Problem(const YAML::Node& at, const YAML::Node& fallback, const std::string& message) {
    bool use_at = Known(at) && !(at.IsNull() && Known(fallback));
    YAML::Mark m = use_at ? at.Mark() : (Known(fallback) ? fallback.Mark() : YAML::Mark::null_mark());
    ProblemAt(m, message);
  }
  void Problem(const YAML::Node& at, const std::string& message) { Problem(at, at, message); }
  void ProblemAt(const YAML::Mark& m, const std::string& message) {
    bool known = m.line >= 0;
    messages.push_back({file_, known ? m.line + 1 : 0, known ? m.column + 1 : 0, message});
  }

  // Parses the text; an empty document is an empty mapping. Nullopt after a syntax error.
  std::optional<YAML::Node> Load(std::string_view yaml) {
    try {
      YAML::Node root = YAML::Load(std::string(yaml));
      if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);
      if (!root.IsMap()) {
        Problem(root, "expected a mapping of keys at the top level");
        return std::nullopt;
      }
      return root;
    } catch (const YAML::Exception& e) {
      ProblemAt(e.mark, "YAML syntax error: " + e.msg);
      return std::nullopt;
    }
  }

  // Reports unknown and repeated keys; returns the known keys' (key, value) nodes in order.
  std::vector<std::pair<YAML::Node, YAML::Node>> Entries(const YAML::Node& map,
                                                         std::initializer_list<std::string_view> allowed,
                                                         std::string_view where) {
    std::vector<std::pair<YAML::Node, YAML::Node>> out;
    std::set<std::string> seen;
    for (const auto& kv : map) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        Problem(kv.first, "unknown key '" + key + "'" + (where.empty() ? "" : " in " + std::string(where)) +
                              " (allowed: " + list + ")");
      } else if (!seen.insert(key).second) {
        Problem(kv.first, "duplicate key '" + key + "'");
      } else {
        out.emplace_back(kv.first, kv.second);
      }
    }
    return out;
  }

  // A list of YYYY-MM-DD dates (all in `year` when it is given); bad entries are reported and skipped.
  std::vector<date::sys_days> Dates(const YAML::Node& key, const YAML::Node& list, const std::string& what,
                                    std::optional<int> year = std::nullopt) {
    std::vector<date::sys_days> out;
    if (list.IsNull()) return out;
    if (!list.IsSequence()) {
      Problem(list, key, what + " must be a list of dates such as [2026-12-31]");
      return out;
    }
    std::set<date::sys_days> seen;
    for (const auto& item : list) {
      auto day = item.IsScalar() ? ParseDate(item.Scalar()) : std::nullopt;
      if (!day) {
        Problem(item, list,
                "bad date '" + (item.IsScalar() ? item.Scalar() : std::string("…")) + "' in " + what +
                    " (expected an existing date as YYYY-MM-DD)");
      } else if (year && date::year_month_day{*day}.year() != date::year{*year}) {
        Problem(item, list, "date " + item.Scalar() + " in " + what + " is not in year " + std::to_string(*year));
      } else if (!seen.insert(*day).second) {
        Problem(item, list, "date " + item.Scalar() + " is listed twice in " + what);
      } else {
        out.push_back(*day);
      }
    }
    return out;
  }

 private:
  static bool Known(const YAML::Node& n) { return n.IsDefined() && n.Mark().line >= 0; }
  std::string file_;
};

struct ProductionYear {
  int year = 0;
  std::vector<date::sys_days> holidays, workdays, short_days;
};

std::optional<ProductionYear> ParseProduction(std::string_view yaml, Linter& lint) {
  auto root = lint.Load(yaml);
  if (!root) return std::nullopt;
  ProductionYear out;
  bool has_year = false;
  std::optional<YAML::Node> workdays_node;
  std::vector<std::pair<std::string, std::pair<YAML::Node, YAML::Node>>> lists;
  for (auto& [key, value] : lint.Entries(*root, {"year", "holidays", "workdays", "short_days"}, "")) {
    std::string name = key.Scalar();
    if (name == "year") {
      has_year = true;
      try {
        out.year = value.as<int>();
      } catch (const YAML::Exception&) {
        out.year = 0;
      }
      if (out.year < 1900 || out.year > 9999) {
        lint.Problem(value, key, "year must be a number such as 2026");
        out.year = 0;
      }
    } else {
      lists.push_back({name, {key, value}});
    }
  }
  if (!has_year) lint.ProblemAt(root->Mark(), "missing key 'year'");
  for (auto& [name, kv] : lists) {
    auto dates = lint.Dates(kv.first, kv.second, name, out.year != 0 ? std::optional<int>(out.year) : std::nullopt);
    if (name == "workdays") workdays_node.emplace(kv.second);
    (name == "holidays" ? out.holidays : name == "workdays" ? out.workdays : out.short_days) = std::move(dates);
  }
  if (workdays_node && workdays_node->IsSequence()) {
    for (const auto& item : *workdays_node) {
      auto day = item.IsScalar() ? ParseDate(item.Scalar()) : std::nullopt;
      if (day && std::find(out.holidays.begin(), out.holidays.end(), *day) != out.holidays.end()) {
        lint.Problem(item, item.Scalar() + " is both a holiday and a workday");
      }
    }
  }
  if (!lint.messages.empty()) return std::nullopt;
  return out;
}

// The shipped production calendars by country ("ru" from "ru_2026.yaml"), sorted by year.
// A broken shipped file is a bug in the build, hence an exception rather than a value.
const std::map<std::string, std::vector<ProductionYear>>& ProductionCalendars() {
  static const auto* calendars = [] {
    auto* out = new std::map<std::string, std::vector<ProductionYear>>();
    for (const auto& [name, text] : EmbeddedCalendars()) {
      Linter lint(name);
      auto year = ParseProduction(text, lint);
      size_t underscore = name.find('_');
      std::string expected_suffix = year ? "_" + std::to_string(year->year) + ".yaml" : "";
      if (!year || underscore == std::string_view::npos || name.substr(underscore) != expected_suffix) {
        throw std::logic_error("shipped production calendar " + std::string(name) +
                               " is broken or misnamed: " + JoinLint(lint.TakeSorted()));
      }
      (*out)[std::string(name.substr(0, underscore))].push_back(std::move(*year));
    }
    for (auto& [country, years] : *out) {
      std::sort(years.begin(), years.end(), [](const auto& a, const auto& b) { return a.year < b.year; });
    }
    return out;
  }();
  return *calendars;
}

constexpr std::string_view kDayNames[7] = {"sunday",   "monday", "tuesday", "wednesday",
                                           "thursday", "friday", "saturday"};

struct DepartmentSpec {
  std::string zone_name = "Europe/Moscow";
  const date::time_zone* zone = nullptr;
  int start = 9 * 60;
  int end = 18 * 60;
  std::array<bool, 7> day_off{true, false, false, false, false, false, true};
  std::string production = "ru";  // empty: none
  std::vector<date::sys_days> extra_holidays;
};

void ParseWorkingHours(const YAML::Node& key, const YAML::Node& value, DepartmentSpec& spec, Linter& lint) {
  if (!value.IsMap()) {
    lint.Problem(value, key, "working_hours must be {start: \"HH:MM\", end: \"HH:MM\"}");
    return;
  }
  // yaml-cpp's Node::operator= writes through to the referenced node, so hold copies in optionals.
  std::optional<YAML::Node> start_node, end_node;
  bool ok = true;
  for (auto& [k, v] : lint.Entries(value, {"start", "end"}, "working_hours")) {
    bool is_start = k.Scalar() == "start";
    (is_start ? start_node : end_node).emplace(v);
    auto minute = v.IsScalar() ? ParseClock(v.Scalar()) : std::nullopt;
    if (!minute) {
      lint.Problem(v, k,
                   "bad time '" + (v.IsScalar() ? v.Scalar() : std::string("…")) + "' in working_hours." + k.Scalar() +
                       " (expected HH:MM from 00:00 to 24:00)");
      ok = false;
      continue;
    }
    (is_start ? spec.start : spec.end) = *minute;
  }
  if (ok && spec.end <= spec.start) {
    lint.Problem(end_node     ? *end_node
                 : start_node ? *start_node
                              : value,
                 value,
                 "working_hours end " + FormatClock(spec.end) + " must be after start " + FormatClock(spec.start));
  }
}

void ParseDaysOff(const YAML::Node& key, const YAML::Node& value, DepartmentSpec& spec, Linter& lint) {
  spec.day_off.fill(false);
  if (value.IsNull()) return;
  if (!value.IsSequence()) {
    lint.Problem(value, key, "days_off must be a list of day names such as [saturday, sunday]");
    return;
  }
  for (const auto& item : value) {
    std::string name = item.IsScalar() ? Lower(item.Scalar()) : std::string();
    auto it = std::find(std::begin(kDayNames), std::end(kDayNames), name);
    if (it == std::end(kDayNames)) {
      lint.Problem(item, value,
                   "unknown day '" + (item.IsScalar() ? item.Scalar() : std::string("…")) +
                       "' in days_off (expected monday, tuesday, wednesday, thursday, friday, saturday or sunday)");
    } else if (spec.day_off[it - std::begin(kDayNames)]) {
      lint.Problem(item, value, "day '" + name + "' is listed twice in days_off");
    } else {
      spec.day_off[it - std::begin(kDayNames)] = true;
    }
  }
  if (std::all_of(spec.day_off.begin(), spec.day_off.end(), [](bool off) { return off; })) {
    lint.Problem(value, key, "days_off cannot list all seven days");
  }
}

std::optional<DepartmentSpec> ParseDepartment(std::string_view yaml, Linter& lint) {
  auto root = lint.Load(yaml);
  if (!root) return std::nullopt;
  DepartmentSpec spec;
  spec.zone = FindZone(spec.zone_name);
  for (auto& [key, value] :
       lint.Entries(*root, {"time_zone", "working_hours", "days_off", "production_calendar", "extra_holidays"}, "")) {
    std::string name = key.Scalar();
    if (name == "time_zone") {
      spec.zone_name = value.IsScalar() ? value.Scalar() : std::string();
      spec.zone = spec.zone_name.empty() ? nullptr : FindZone(spec.zone_name);
      if (!spec.zone) {
        lint.Problem(value, key,
                     (spec.zone_name.empty() ? std::string("time_zone needs a value")
                                             : "unknown time zone '" + spec.zone_name + "'") +
                         " (expected an IANA name such as Europe/Moscow)");
      }
    } else if (name == "working_hours") {
      ParseWorkingHours(key, value, spec, lint);
    } else if (name == "days_off") {
      ParseDaysOff(key, value, spec, lint);
    } else if (name == "production_calendar") {
      std::string country = value.IsScalar() ? Lower(value.Scalar()) : std::string();
      const auto& known = ProductionCalendars();
      if (country == "none") {
        spec.production.clear();
      } else if (known.count(country)) {
        spec.production = country;
      } else {
        std::string list;
        for (const auto& [c, years] : known) list += c + ", ";
        lint.Problem(value, key,
                     (value.IsScalar() ? "unknown production calendar '" + value.Scalar() + "'"
                                       : std::string("production_calendar must be a single name")) +
                         " (available: " + list + "none)");
      }
    } else {
      spec.extra_holidays = lint.Dates(key, value, "extra_holidays");
    }
  }
  if (!spec.zone && lint.messages.empty()) {
    lint.ProblemAt(YAML::Mark::null_mark(), "the tz database has no zone " + spec.zone_name);
  }
  if (!lint.messages.empty()) return std::nullopt;
  return spec;
}

}  // namespace

Result<BusinessCalendar> BusinessCalendar::FromYaml(std::string_view yaml, std::string_view file_name) {
  Linter lint(file_name);
  auto spec = ParseDepartment(yaml, lint);
  if (!spec) return Error::Invalid("calendar", JoinLint(lint.TakeSorted()));

  BusinessCalendar c;
  c.zone_ = spec->zone;
  c.time_zone_name_ = spec->zone_name;
  c.start_minute_ = spec->start;
  c.end_minute_ = spec->end;
  c.day_off_ = spec->day_off;

  const std::vector<ProductionYear>* production = nullptr;
  if (!spec->production.empty()) production = &ProductionCalendars().at(spec->production);
  std::optional<int> first, last;
  auto cover = [&](int y) {
    first = std::min(first.value_or(y), y);
    last = std::max(last.value_or(y), y);
  };
  if (production) {
    for (const auto& p : *production) {
      cover(p.year);
      c.production_years_.push_back(p.year);
    }
  }
  for (auto day : spec->extra_holidays) cover(int(date::year_month_day{day}.year()));
  if (!first) return c;

  c.table_start_ = date::sys_days{date::year{*first} / 1 / 1};
  date::sys_days end = date::sys_days{date::year{*last + 1} / 1 / 1};
  c.table_.resize(static_cast<size_t>((end - c.table_start_).count()));
  for (size_t i = 0; i < c.table_.size(); ++i) {
    date::weekday wd{c.table_start_ + date::days{i}};
    c.table_[i] = c.day_off_[wd.c_encoding()] ? kOff : kFull;
  }
  auto at = [&](date::sys_days day) -> DayKind& { return c.table_[(day - c.table_start_).count()]; };
  if (production) {
    for (const auto& p : *production) {
      for (auto day : p.workdays) at(day) = kFull;
      for (auto day : p.holidays) at(day) = kOff;
      for (auto day : p.short_days) {
        if (at(day) != kOff) at(day) = kShort;
      }
    }
  }
  for (auto day : spec->extra_holidays) at(day) = kOff;
  return c;
}

const BusinessCalendar& BusinessCalendar::RussianDefault() {
  static const BusinessCalendar calendar = [] {
    auto parsed = FromYaml("", "<default calendar>");
    if (!parsed.ok()) throw std::logic_error(parsed.error().message);
    return std::move(parsed).value();
  }();
  return calendar;
}

bool BusinessCalendar::IsKnownTimeZone(std::string_view name) { return !name.empty() && FindZone(name) != nullptr; }

BusinessCalendar::DayKind BusinessCalendar::Kind(date::sys_days day) const {
  auto index = (day - table_start_).count();
  if (index >= 0 && static_cast<size_t>(index) < table_.size()) return table_[static_cast<size_t>(index)];
  return day_off_[date::weekday{day}.c_encoding()] ? kOff : kFull;
}

bool BusinessCalendar::WindowOf(date::sys_days day, Window* out) const {
  DayKind kind = Kind(day);
  if (kind == kOff) return false;
  int end = kind == kShort ? end_minute_ - 60 : end_minute_;
  if (end <= start_minute_) return false;
  out->open = LocalToMs(zone_, AsLocal(day) + minutes{start_minute_});
  out->close = LocalToMs(zone_, AsLocal(day) + minutes{end});
  return out->open < out->close;
}

date::sys_days BusinessCalendar::LocalDay(TimeMs t) const { return LocalDayIn(zone_, t); }

bool BusinessCalendar::IsWorkingDay(date::year_month_day day) const {
  return day.ok() && Kind(date::sys_days{day}) != kOff;
}

bool BusinessCalendar::HasProductionCalendar(date::year year) const {
  return std::find(production_years_.begin(), production_years_.end(), int(year)) != production_years_.end();
}

bool BusinessCalendar::IsWorkingTime(TimeMs t) const {
  Window w;
  return WindowOf(LocalDay(t), &w) && w.open <= t && t < w.close;
}

TimeMs BusinessCalendar::NextWorkingTime(TimeMs t) const {
  date::sys_days day = LocalDay(t);
  for (int idle = 0; idle <= kMaxIdleDays; day += date::days{1}) {
    Window w;
    if (WindowOf(day, &w) && t < w.close) return std::max(t, w.open);
    ++idle;
  }
  return kNever;
}

TimeMs BusinessCalendar::AddWorkingMinutes(TimeMs from, int64_t minutes) const {
  TimeMs remaining = std::clamp<int64_t>(minutes, 0, kMaxMinutes) * kMsPerMinute;
  date::sys_days day = LocalDay(from);
  for (int idle = 0; idle <= kMaxIdleDays; day += date::days{1}) {
    Window w;
    if (!WindowOf(day, &w) || w.close <= from) {
      ++idle;
      continue;
    }
    idle = 0;
    TimeMs begin = std::max(from, w.open);
    if (remaining <= w.close - begin) return begin + remaining;
    remaining -= w.close - begin;
  }
  return kNever;
}

TimeMs BusinessCalendar::AddBusinessDays(TimeMs from, int days) const {
  TimeMs start = NextWorkingTime(from);
  if (start == kNever || days <= 0) return start;
  date::sys_days day = LocalDay(start);
  milliseconds time_of_day = LocalTimeIn(zone_, start) - AsLocal(day);
  Window w;
  for (int found = 0, idle = 0; found < days;) {
    day += date::days{1};
    if (WindowOf(day, &w)) {
      ++found;
      idle = 0;
    } else if (++idle > kMaxIdleDays) {
      return kNever;
    }
  }
  return std::clamp(LocalToMs(zone_, AsLocal(day) + time_of_day), w.open, w.close);
}

int64_t BusinessCalendar::WorkingMinutesBetween(TimeMs a, TimeMs b) const {
  if (b < a) return -WorkingMinutesBetween(b, a);
  TimeMs total = 0;
  date::sys_days last = LocalDay(b);
  for (date::sys_days day = LocalDay(a); day <= last; day += date::days{1}) {
    Window w;
    if (WindowOf(day, &w)) total += std::max<TimeMs>(0, std::min(b, w.close) - std::max(a, w.open));
  }
  return total / kMsPerMinute;
}

std::vector<std::pair<TimeMs, TimeMs>> BusinessCalendar::SuggestCallWindows(TimeMs now, std::string_view client_tz,
                                                                            const BusinessCalendar& ours, int days) {
  std::vector<std::pair<TimeMs, TimeMs>> result;
  if (days <= 0) return result;
  days = std::min(days, kMaxSuggestDays);
  const date::time_zone* client = client_tz.empty() ? nullptr : FindZone(client_tz);
  if (!client) client = ours.zone_;

  date::sys_days today = ours.LocalDay(now);
  TimeMs horizon = LocalToMs(ours.zone_, AsLocal(today + date::days{days}));
  std::vector<std::pair<TimeMs, TimeMs>> our_windows, client_windows;
  for (date::sys_days day = today; day < today + date::days{days}; day += date::days{1}) {
    Window w;
    if (ours.WindowOf(day, &w) && w.close > now) our_windows.emplace_back(std::max(w.open, now), w.close);
  }
  date::sys_days client_last = LocalDayIn(client, horizon);
  for (date::sys_days day = LocalDayIn(client, now); day <= client_last; day += date::days{1}) {
    unsigned weekday = date::weekday{day}.c_encoding();
    if (weekday == 0 || weekday == 6) continue;
    client_windows.emplace_back(LocalToMs(client, AsLocal(day) + minutes{kClientDayStart}),
                                LocalToMs(client, AsLocal(day) + minutes{kClientDayEnd}));
  }
  for (size_t i = 0, j = 0; i < our_windows.size() && j < client_windows.size();) {
    TimeMs begin = std::max(our_windows[i].first, client_windows[j].first);
    TimeMs end = std::min(our_windows[i].second, client_windows[j].second);
    if (begin < end) {
      if (!result.empty() && result.back().second == begin) {
        result.back().second = end;
      } else {
        result.emplace_back(begin, end);
      }
    }
    (our_windows[i].second < client_windows[j].second ? i : j)++;
  }
  return result;
}

std::vector<LintMessage> LintCalendar(std::string_view yaml, std::string_view file_name) {
  Linter lint(file_name);
  ParseDepartment(yaml, lint);
  return lint.TakeSorted();
}

std::vector<LintMessage> LintProductionCalendar(std::string_view yaml, std::string_view file_name) {
  Linter lint(file_name);
  ParseProduction(yaml, lint);
  return lint.TakeSorted();
}

}  // namespace voronka::process
