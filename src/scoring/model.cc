#include "scoring/model.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>

#include "common/text.h"

namespace voronka::process {
// Generated from processes/*.yaml and processes/scoring/*.yaml (src/CMakeLists.txt).
std::vector<std::pair<std::string_view, std::string_view>> EmbeddedProcessFiles();
}  // namespace voronka::process

namespace voronka::scoring {

const std::string& Parameter::Hint(int score) const {
  static const std::string kNone;
  return score >= -1 && score <= 1 ? hints[score + 1] : kNone;
}

int Model::ParameterCount() const {
  int n = 0;
  for (const auto& block : blocks) n += static_cast<int>(block.parameters.size());
  return n;
}

const Parameter* Model::FindParameter(std::string_view code) const {
  for (const auto& block : blocks) {
    for (const auto& parameter : block.parameters) {
      if (parameter.code == code) return &parameter;
    }
  }
  return nullptr;
}

const Knockout* Model::FindKnockout(std::string_view code) const {
  for (const auto& knockout : knockouts) {
    if (knockout.code == code) return &knockout;
  }
  return nullptr;
}

const Segment* Model::SegmentFor(int total) const {
  if (total < MinTotal() || total > MaxTotal()) return nullptr;
  for (const auto& segment : segments) {
    if (total >= segment.min && total <= segment.max) return &segment;
  }
  return nullptr;
}

namespace {

constexpr std::string_view kKind = "scoring_model";
constexpr std::string_view kDefaultFile = "it_studio.yaml";

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string Signed(int score) { return score > 0 ? "+" + std::to_string(score) : std::to_string(score); }

std::string Totals(int from, int to) {
  return from == to ? "total " + std::to_string(from) : "totals " + std::to_string(from) + "…" + std::to_string(to);
}

std::string Join(std::initializer_list<std::string_view> words) {
  std::string out;
  for (auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

// Accepts "-1", "0", "1", "+1", "15"; nothing else (no floats, no hex, no spaces).
std::optional<int> ParseInt(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  std::string_view s = node.Scalar();
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.front() == '+') return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

bool IsCode(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9') || c == '_'; });
}

struct Entry {
  YAML::Node key = {};
  YAML::Node value = {};

  // Where a problem with the value is shown: an empty value has no position of its own
  // (yaml-cpp marks the next token), so point at its key.
  YAML::Mark At() const { return value.IsNull() ? key.Mark() : value.Mark(); }
  const std::string& Name() const { return key.Scalar(); }
};

// A mapping whose keys were checked against the allowed ones; duplicates dropped.
struct Fields {
  YAML::Mark mark = {};
  std::vector<Entry> entries = {};

  const Entry* Find(std::string_view key) const {
    for (const auto& e : entries) {
      if (e.Name() == key) return &e;
    }
    return nullptr;
  }
};

// Segment bounds with their positions, for the coverage check.
struct PlacedSegment {
  std::string code = {};  // "segment 'B'"
  int min = 0;
  int max = 0;
  YAML::Mark min_mark = {};
  YAML::Mark max_mark = {};
};

// Walks the YAML once, building the model and recording every problem it meets.
class Linter {
 public:
  explicit Linter(std::string_view file) : file_(file) {}

  Model Run(std::string_view yaml) {
    text_ = yaml;
    Model model;
    // Names and hints go out as JSON, which must be UTF-8: a broken byte would fail every
    // answer that carries the model. Refused here with its line (found by fuzz/scoring_yaml).
    if (auto bad = FirstNonUtf8Line(yaml)) {
      YAML::Mark mark = YAML::Mark::null_mark();
      mark.line = bad->line;
      mark.column = 0;
      mark.pos = static_cast<int>(bad->offset);
      Report(mark, "the file is not valid UTF-8 text (save it as UTF-8)");
      return model;
    }
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAll(std::string(yaml));
    } catch (const YAML::ParserException& e) {
      Report(e.mark, "YAML syntax error: " + e.msg);
      return model;
    }
    if (docs.empty() || docs[0].IsNull()) {
      Report(YAML::Mark(), "the file is empty; expected a scoring model");
      return model;
    }
    if (docs.size() > 1) Report(docs[1].Mark(), "only one YAML document is allowed in a scoring model file");
    try {
      ReadModel(docs[0], model);
    } catch (const YAML::Exception& e) {
      Report(e.mark, std::string("unreadable YAML: ") + e.what());
    }
    return model;
  }

  std::vector<LintMessage> TakeMessages() {
    std::stable_sort(messages_.begin(), messages_.end(), [](const LintMessage& a, const LintMessage& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    return std::move(messages_);
  }

 private:
  void Report(const YAML::Mark& mark, std::string message) {
    LintMessage m;
    m.file = file_;
    if (mark.is_null()) {
      m.line = 1;
      m.column = 1;
    } else {
      m.line = mark.line + 1;
      m.column = CharacterColumn(mark) + 1;
    }
    m.message = std::move(message);
    messages_.push_back(std::move(m));
  }

  std::optional<Fields> ReadMap(const YAML::Node& node, const YAML::Mark& where, const std::string& context,
                                std::initializer_list<std::string_view> allowed) {
    if (!node.IsMap()) {
      Report(where, context + " must be a mapping with keys: " + Join(allowed));
      return std::nullopt;
    }
    Fields fields{node.Mark(), {}};
    for (auto it = node.begin(); it != node.end(); ++it) {
      Entry entry{it->first, it->second};
      if (!entry.key.IsScalar()) {
        Report(entry.key.Mark(), context + ": a key must be a single word");
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), entry.Name()) == allowed.end()) {
        Report(entry.key.Mark(),
               context + ": unknown key " + Quote(entry.Name()) + " (expected one of: " + Join(allowed) + ")");
        continue;
      }
      if (fields.Find(entry.Name())) {
        Report(entry.key.Mark(), context + ": key " + Quote(entry.Name()) + " appears twice");
        continue;
      }
      fields.entries.push_back(std::move(entry));
    }
    return fields;
  }

  const Entry* Require(const Fields& fields, std::string_view key, const std::string& context) {
    const Entry* e = fields.Find(key);
    if (!e) Report(fields.mark, context + ": missing key " + Quote(key));
    return e;
  }

  std::optional<std::string> ReadText(const Entry& e, const std::string& context) {
    if (e.value.IsNull()) {
      Report(e.At(), context + ": " + Quote(e.Name()) + " is empty");
      return std::nullopt;
    }
    if (!e.value.IsScalar()) {
      Report(e.At(), context + ": " + Quote(e.Name()) + " must be text");
      return std::nullopt;
    }
    std::string text(Trim(e.value.Scalar()));
    if (text.empty()) {
      Report(e.At(), context + ": " + Quote(e.Name()) + " is empty");
      return std::nullopt;
    }
    return text;
  }

  std::optional<std::string> ReadCode(const Entry& e, const std::string& context) {
    auto text = ReadText(e, context);
    if (!text) return std::nullopt;
    if (!IsCode(*text)) {
      Report(e.At(), context + ": code " + Quote(*text) +
                         " must start with a Latin letter and hold only Latin letters, digits and _ (at most 64)");
      return std::nullopt;
    }
    return text;
  }

  std::optional<int> ReadInt(const Entry& e, const std::string& context) {
    auto value = ParseInt(e.value);
    if (!value) Report(e.At(), context + ": " + Quote(e.Name()) + " must be a whole number");
    return value;
  }

  // name: {ru: …, en: …} (or description:, same shape).
  Names ReadNames(const Entry& e, const std::string& context) {
    Names names;
    const std::string here = context + " " + e.Name();
    auto fields = ReadMap(e.value, e.At(), here, {"ru", "en"});
    if (!fields) return names;
    if (const Entry* ru = Require(*fields, "ru", here)) names.ru = ReadText(*ru, here).value_or("");
    if (const Entry* en = Require(*fields, "en", here)) names.en = ReadText(*en, here).value_or("");
    return names;
  }

  // "what 'code'" when the item has a valid code, else "what #n" (1-based position in its list).
  static std::string Context(std::string_view what, const std::optional<std::string>& code, size_t index) {
    return std::string(what) + " " + (code ? Quote(*code) : "#" + std::to_string(index + 1));
  }

  // The item's code, read ahead so that every message about the item can name it.
  static std::optional<std::string> PeekCode(const YAML::Node& item) {
    if (!item.IsMap()) return std::nullopt;
    for (auto it = item.begin(); it != item.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar() != "code" || !it->second.IsScalar()) continue;
      std::string code(Trim(it->second.Scalar()));
      if (IsCode(code)) return code;
    }
    return std::nullopt;
  }

  // The code, or "" when it is not a valid code. seen holds the line of each code's first use;
  // a later use is reported.
  std::string ReadUniqueCode(const Entry& e, const std::string& context, std::map<std::string, int>& seen,
                             std::string_view what) {
    auto code = ReadCode(e, context);
    if (!code) return "";
    auto [it, inserted] = seen.emplace(*code, e.At().line + 1);
    if (!inserted) {
      Report(e.At(), "duplicate " + std::string(what) + " code " + Quote(*code) + " (first used on line " +
                         std::to_string(it->second) + ")");
    }
    return *code;
  }

  const YAML::Node* ReadList(const Entry& e, const std::string& what) {
    if (!e.value.IsSequence()) {
      Report(e.At(), Quote(e.Name()) + " must be a list of " + what + " (lines starting with '- ')");
      return nullptr;
    }
    return &e.value;
  }

  void ReadModel(const YAML::Node& root, Model& model) {
    const std::string ctx = "model";
    auto fields =
        ReadMap(root, root.Mark(), ctx, {"kind", "code", "version", "name", "knockouts", "blocks", "segments"});
    if (!fields) return;
    if (const Entry* kind = Require(*fields, "kind", ctx)) {
      auto text = ReadText(*kind, ctx);
      if (text && *text != kKind) {
        Report(kind->At(), ctx + ": kind must be " + Quote(kKind) + ", not " + Quote(*text));
      }
    }
    if (const Entry* code = Require(*fields, "code", ctx)) model.code = ReadCode(*code, ctx).value_or("");
    if (const Entry* version = Require(*fields, "version", ctx)) model.version = ReadText(*version, ctx).value_or("");
    if (const Entry* name = Require(*fields, "name", ctx)) model.name = ReadNames(*name, ctx);
    if (const Entry* knockouts = Require(*fields, "knockouts", ctx)) ReadKnockouts(*knockouts, model);
    if (const Entry* blocks = Require(*fields, "blocks", ctx)) ReadBlocks(*blocks, model);
    if (const Entry* segments = Require(*fields, "segments", ctx)) ReadSegments(*segments, model);
  }

  void ReadKnockouts(const Entry& list_entry, Model& model) {
    // An empty list is allowed: a model may have no screening phase.
    if (list_entry.value.IsNull()) return;
    const YAML::Node* list = ReadList(list_entry, "knock-out criteria");
    if (!list) return;
    std::map<std::string, int> seen;
    for (size_t i = 0; i < list->size(); ++i) {
      const YAML::Node item = (*list)[i];
      const std::string ctx = Context("knock-out", PeekCode(item), i);
      auto fields = ReadMap(item, item.Mark(), ctx, {"code", "name", "hint"});
      if (!fields) continue;
      Knockout knockout;
      if (const Entry* e = Require(*fields, "code", ctx)) knockout.code = ReadUniqueCode(*e, ctx, seen, "knock-out");
      if (const Entry* e = Require(*fields, "name", ctx)) knockout.name = ReadNames(*e, ctx);
      if (const Entry* e = Require(*fields, "hint", ctx)) knockout.hint = ReadText(*e, ctx).value_or("");
      model.knockouts.push_back(std::move(knockout));
    }
  }

  void ReadBlocks(const Entry& list_entry, Model& model) {
    const YAML::Node* list = ReadList(list_entry, "blocks");
    if (!list) return;
    if (list->size() == 0) Report(list_entry.At(), "'blocks' is empty; a model needs at least one block");
    std::map<std::string, int> block_codes;
    std::map<std::string, int> parameter_codes;
    for (size_t i = 0; i < list->size(); ++i) {
      const YAML::Node item = (*list)[i];
      const std::string ctx = Context("block", PeekCode(item), i);
      auto fields = ReadMap(item, item.Mark(), ctx, {"code", "name", "parameters"});
      if (!fields) continue;
      Block block;
      if (const Entry* e = Require(*fields, "code", ctx)) block.code = ReadUniqueCode(*e, ctx, block_codes, "block");
      if (const Entry* e = Require(*fields, "name", ctx)) block.name = ReadNames(*e, ctx);
      if (const Entry* e = Require(*fields, "parameters", ctx)) {
        if (e->value.IsNull() || (e->value.IsSequence() && e->value.size() == 0)) {
          Report(e->At(), ctx + " has no parameters");
        } else if (const YAML::Node* params = ReadList(*e, "parameters")) {
          for (size_t j = 0; j < params->size(); ++j) {
            block.parameters.push_back(ReadParameter((*params)[j], j, parameter_codes));
          }
        }
      }
      model.blocks.push_back(std::move(block));
    }
  }

  Parameter ReadParameter(const YAML::Node& item, size_t index, std::map<std::string, int>& seen) {
    Parameter parameter;
    const std::string ctx = Context("parameter", PeekCode(item), index);
    auto fields = ReadMap(item, item.Mark(), ctx, {"code", "name", "hints"});
    if (!fields) return parameter;
    if (const Entry* e = Require(*fields, "code", ctx)) parameter.code = ReadUniqueCode(*e, ctx, seen, "parameter");
    if (const Entry* e = Require(*fields, "name", ctx)) parameter.name = ReadNames(*e, ctx);
    if (const Entry* e = Require(*fields, "hints", ctx)) ReadHints(*e, ctx, parameter);
    return parameter;
  }

  // hints: {-1: …, 0: …, +1: …} — exactly these three scores, each with its text.
  void ReadHints(const Entry& e, const std::string& ctx, Parameter& parameter) {
    if (!e.value.IsMap()) {
      Report(e.At(), ctx + ": 'hints' must map each score -1, 0 and +1 to its hint");
      return;
    }
    std::array<bool, 3> seen = {};
    for (auto it = e.value.begin(); it != e.value.end(); ++it) {
      Entry hint{it->first, it->second};
      auto score = ParseInt(hint.key);
      if (!score) {
        Report(hint.key.Mark(), ctx + ": " + (hint.key.IsScalar() ? Quote(hint.key.Scalar()) : std::string("a key")) +
                                    " is not a score; a parameter is scored -1, 0 or +1");
        continue;
      }
      if (*score < -1 || *score > 1) {
        Report(hint.key.Mark(),
               ctx + ": score " + hint.key.Scalar() + " is not allowed; a parameter is scored -1, 0 or +1");
        continue;
      }
      const size_t slot = static_cast<size_t>(*score + 1);
      if (seen[slot]) {
        Report(hint.key.Mark(), ctx + ": score " + Signed(*score) + " appears twice");
        continue;
      }
      seen[slot] = true;
      if (hint.value.IsNull() || !hint.value.IsScalar() || Trim(hint.value.Scalar()).empty()) {
        Report(hint.At(), ctx + ": the hint for score " + Signed(*score) + " must be non-empty text");
        continue;
      }
      parameter.hints[slot] = std::string(Trim(hint.value.Scalar()));
    }
    for (int score = -1; score <= 1; ++score) {
      if (!seen[static_cast<size_t>(score + 1)]) {
        Report(e.value.Mark(), ctx + ": missing hint for score " + Signed(score));
      }
    }
  }

  void ReadSegments(const Entry& list_entry, Model& model) {
    const YAML::Node* list = ReadList(list_entry, "segments");
    if (!list) return;
    if (list->size() == 0) {
      Report(list_entry.At(), "'segments' is empty; every possible total must fall into a segment");
      return;
    }
    std::map<std::string, int> seen;
    std::vector<PlacedSegment> placed;
    for (size_t i = 0; i < list->size(); ++i) {
      const YAML::Node item = (*list)[i];
      const std::string ctx = Context("segment", PeekCode(item), i);
      auto fields = ReadMap(item, item.Mark(), ctx, {"code", "min", "max", "name", "description"});
      if (!fields) continue;
      Segment segment;
      if (const Entry* e = Require(*fields, "code", ctx)) segment.code = ReadUniqueCode(*e, ctx, seen, "segment");
      std::optional<int> min, max;
      const Entry* min_entry = Require(*fields, "min", ctx);
      const Entry* max_entry = Require(*fields, "max", ctx);
      if (min_entry) min = ReadInt(*min_entry, ctx);
      if (max_entry) max = ReadInt(*max_entry, ctx);
      if (const Entry* e = Require(*fields, "name", ctx)) segment.name = ReadNames(*e, ctx);
      if (const Entry* e = Require(*fields, "description", ctx)) segment.description = ReadNames(*e, ctx);
      if (min && max) {
        segment.min = *min;
        segment.max = *max;
        if (*min > *max) {
          Report(min_entry->At(),
                 ctx + ": min " + std::to_string(*min) + " is greater than max " + std::to_string(*max));
        } else {
          placed.push_back({ctx, *min, *max, min_entry->At(), max_entry->At()});
        }
      }
      model.segments.push_back(std::move(segment));
    }
    CheckCoverage(std::move(placed), model.ParameterCount());
  }

  // The segments must cover -n..+n exactly once each.
  void CheckCoverage(std::vector<PlacedSegment> placed, int n) {
    if (placed.empty() || n == 0) return;
    const int lo = -n;
    const int hi = n;
    const std::string why = " (" + std::to_string(n) + " parameters scored -1, 0 or +1)";
    std::stable_sort(placed.begin(), placed.end(), [](const PlacedSegment& a, const PlacedSegment& b) {
      return std::pair(a.min, a.max) < std::pair(b.min, b.max);
    });
    int next = lo;                         // the lowest total not yet covered
    const PlacedSegment* reach = nullptr;  // the segment reaching highest so far
    for (const auto& s : placed) {
      const std::string range = " (" + std::to_string(s.min) + "…" + std::to_string(s.max) + ")";
      if (s.min < lo) {
        Report(s.min_mark, s.code + ": min " + std::to_string(s.min) + " is below the lowest possible total " +
                               std::to_string(lo) + why);
      }
      if (s.max > hi) {
        Report(s.max_mark, s.code + ": max " + std::to_string(s.max) + " is above the highest possible total " +
                               std::to_string(hi) + why);
      }
      if (reach && s.min <= reach->max) {
        Report(s.min_mark, s.code + range + " overlaps " + reach->code + " (" + std::to_string(reach->min) + "…" +
                               std::to_string(reach->max) + ")");
      } else if (s.min > next && next <= hi) {
        Report(s.min_mark, "no segment covers " + Totals(next, std::min(s.min - 1, hi)));
      }
      if (!reach || s.max > reach->max) reach = &s;
      next = std::max(next, s.max + 1);
    }
    if (next <= hi) Report(reach->max_mark, "no segment covers " + Totals(next, hi));
  }

  // yaml-cpp counts columns in bytes; editors count characters (names here are Cyrillic).
  int CharacterColumn(const YAML::Mark& mark) const {
    if (mark.column <= 0) return 0;
    size_t start = 0;
    for (int line = 0; line < mark.line; ++line) {
      start = text_.find('\n', start);
      if (start == std::string_view::npos) return mark.column;
      ++start;
    }
    const std::string_view prefix = text_.substr(start, static_cast<size_t>(mark.column));
    return static_cast<int>(std::count_if(prefix.begin(), prefix.end(),
                                          [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }

  std::string_view text_;
  std::string file_;
  std::vector<LintMessage> messages_;
};

nlohmann::json NamesToJson(const Names& names) { return {{"ru", names.ru}, {"en", names.en}}; }

}  // namespace

std::vector<LintMessage> LintModel(std::string_view yaml, std::string_view file_name) {
  Linter linter(file_name);
  (void)linter.Run(yaml);
  return linter.TakeMessages();
}

Result<Model> LoadModel(std::string_view yaml, std::string_view file_name) {
  Linter linter(file_name);
  Model model = linter.Run(yaml);
  auto messages = linter.TakeMessages();
  if (messages.empty()) return model;
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& m : messages) {
    problems.push_back({{"file", m.file}, {"line", m.line}, {"column", m.column}, {"message", m.message}});
  }
  Error error = Error::Invalid("", JoinLint(messages));
  error.extra = {{"problems", std::move(problems)}};
  return error;
}

const Model& DefaultModel() {
  static const Model model = [] {
    // processes/*.yaml (pipelines) are embedded beside processes/scoring/*.yaml without their
    // directory, so a pipeline may share the name; the scoring model is the one of our kind.
    for (const auto& [name, text] : process::EmbeddedProcessFiles()) {
      if (name != kDefaultFile) continue;
      try {
        const YAML::Node root = YAML::Load(std::string(text));
        const YAML::Node kind = root.IsMap() ? root["kind"] : YAML::Node();
        if (!kind || !kind.IsScalar() || kind.Scalar() != kKind) continue;
      } catch (const YAML::Exception&) {
        // Not readable YAML at all: not ours, or LoadModel below would not be reached anyway.
        continue;
      }
      auto loaded = LoadModel(text, "processes/scoring/" + std::string(kDefaultFile));
      if (!loaded.ok()) throw std::logic_error("shipped scoring model is invalid:\n" + loaded.error().message);
      return std::move(loaded).value();
    }
    throw std::logic_error("shipped scoring model processes/scoring/it_studio.yaml is not embedded");
  }();
  return model;
}

nlohmann::json ModelToJson(const Model& model) {
  nlohmann::json knockouts = nlohmann::json::array();
  for (const auto& k : model.knockouts) {
    knockouts.push_back({{"code", k.code}, {"name", NamesToJson(k.name)}, {"hint", k.hint}});
  }
  nlohmann::json blocks = nlohmann::json::array();
  for (const auto& b : model.blocks) {
    nlohmann::json parameters = nlohmann::json::array();
    for (const auto& p : b.parameters) {
      nlohmann::json options = nlohmann::json::array();
      for (int score = -1; score <= 1; ++score) options.push_back({{"value", score}, {"hint", p.Hint(score)}});
      parameters.push_back({{"code", p.code}, {"name", NamesToJson(p.name)}, {"options", std::move(options)}});
    }
    blocks.push_back({{"code", b.code}, {"name", NamesToJson(b.name)}, {"parameters", std::move(parameters)}});
  }
  nlohmann::json segments = nlohmann::json::array();
  for (const auto& s : model.segments) {
    segments.push_back({{"code", s.code},
                        {"min", s.min},
                        {"max", s.max},
                        {"name", NamesToJson(s.name)},
                        {"description", NamesToJson(s.description)}});
  }
  return {{"code", model.code},
          {"version", model.version},
          {"name", NamesToJson(model.name)},
          {"min_total", model.MinTotal()},
          {"max_total", model.MaxTotal()},
          {"knockouts", std::move(knockouts)},
          {"blocks", std::move(blocks)},
          {"segments", std::move(segments)}};
}

}  // namespace voronka::scoring
