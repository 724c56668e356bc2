#include "notify/template.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace voronka::notify {

std::vector<std::pair<std::string_view, std::string_view>> EmbeddedEmailTemplates();

namespace {

constexpr std::string_view kYaml = ".yaml";

// A piece of template text: literal text or a variable name.
struct Piece {
  bool variable = false;
  std::string_view text;
  size_t offset = 0;  // in the template text, of the literal or of the opening "{{"
};

struct TagProblem {
  size_t offset = 0;
  std::string message;
};

bool IsNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

bool IsName(std::string_view s) {
  return !s.empty() && IsNameChar(s.front(), true) &&
         std::all_of(s.begin(), s.end(), [](char c) { return IsNameChar(c, false); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits text into literals and {{variables}}; every malformed tag goes to `problems`.
std::vector<Piece> Scan(std::string_view text, std::vector<TagProblem>* problems) {
  std::vector<Piece> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.push_back({false, text.substr(pos), pos});
      break;
    }
    if (open > pos) out.push_back({false, text.substr(pos, open - pos), pos});
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      if (problems) problems->push_back({open, "unclosed {{ (a variable is written {{name}})"});
      break;
    }
    std::string_view inner = Trim(text.substr(open + 2, close - open - 2));
    pos = close + 2;
    if (!inner.empty() && std::string_view("{#^/!>&=").find(inner.front()) != std::string_view::npos) {
      if (problems)
        problems->push_back(
            {open, "unsupported tag {{" + std::string(inner) + "}}: templates have only variables written {{name}}"});
      if (inner.front() == '{' && pos < text.size() && text[pos] == '}') ++pos;
      continue;
    }
    if (!IsName(inner)) {
      if (problems)
        problems->push_back({open, "'{{" + std::string(inner) + "}}' is not a variable (expected {{name}})"});
      continue;
    }
    out.push_back({true, inner, open});
  }
  return out;
}

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Collects every problem with its position instead of stopping at the first.
class Linter {
 public:
  Linter(std::string_view yaml, std::string_view file) : file_(file) {
    std::istringstream in{std::string(yaml)};
    for (std::string line; std::getline(in, line);) lines_.push_back(line);
  }

  std::vector<LintMessage> messages;

  void Problem(const YAML::Node& at, const YAML::Node& fallback, const std::string& message) {
    YAML::Mark m = Known(at) ? at.Mark() : (Known(fallback) ? fallback.Mark() : YAML::Mark::null_mark());
    ProblemAt(m.line, m.column, message);
  }
  void Problem(const YAML::Node& at, const std::string& message) { Problem(at, at, message); }
  // yaml-cpp counts columns in bytes; people count characters.
  void ProblemAt(int line0, int byte_column0, const std::string& message) {
    Add(line0, CharColumn(line0, byte_column0), message);
  }

  // A problem at byte `offset` of the value of scalar `node`: on the line where it is written.
  void ProblemInScalar(const YAML::Node& node, size_t offset, const std::string& message) {
    if (!Known(node)) return Problem(node, message);
    const YAML::Mark m = node.Mark();
    std::string_view value = node.Scalar();
    std::string_view before = value.substr(0, std::min(offset, value.size()));
    size_t newlines = static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
    size_t line_start = newlines == 0 ? 0 : before.rfind('\n') + 1;
    int column_in_line = static_cast<int>(CodePoints(before.substr(line_start)));
    char first = SourceChar(m.line, m.column);
    if (first == '|' || first == '>') {  // block scalar: content starts on the next line
      int line = m.line + 1 + static_cast<int>(newlines);
      return Add(line, Indent(line) + column_in_line, message);
    }
    int quote = (first == '"' || first == '\'') ? 1 : 0;
    if (newlines == 0) return Add(m.line, CharColumn(m.line, m.column) + quote + column_in_line, message);
    ProblemAt(m.line, m.column, message);
  }

  std::optional<YAML::Node> Load(std::string_view yaml) {
    try {
      YAML::Node root = YAML::Load(std::string(yaml));
      if (!root.IsMap()) {
        Problem(root, "expected a mapping with code, subject and body");
        return std::nullopt;
      }
      return root;
    } catch (const YAML::Exception& e) {
      ProblemAt(e.mark.line, e.mark.column, "YAML syntax error: " + e.msg);
      return std::nullopt;
    }
  }

  // Reports unknown and repeated keys; returns the known (key, value) pairs in order.
  std::vector<std::pair<YAML::Node, YAML::Node>> Entries(const YAML::Node& map,
                                                         const std::vector<std::string_view>& allowed,
                                                         const std::string& where) {
    std::vector<std::pair<YAML::Node, YAML::Node>> out;
    std::set<std::string> seen;
    for (const auto& kv : map) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        Problem(kv.first,
                "unknown key '" + key + "'" + (where.empty() ? "" : " in " + where) + " (allowed: " + list + ")");
      } else if (!seen.insert(key).second) {
        Problem(kv.first, "duplicate key '" + key + "'");
      } else {
        out.emplace_back(kv.first, kv.second);
      }
    }
    return out;
  }

  // {ru: "…", en: "…"}, both present and non-empty; a plain string when `scalar_ok`.
  std::optional<LocalizedText> Localized(const YAML::Node& key, const YAML::Node& value, const std::string& where,
                                         bool scalar_ok, std::map<std::string, YAML::Node>* nodes = nullptr) {
    if (scalar_ok && value.IsScalar()) {
      if (value.Scalar().empty()) {
        Problem(value, key, where + " must not be empty");
        return std::nullopt;
      }
      if (nodes) (*nodes)["ru"] = (*nodes)["en"] = value;
      return LocalizedText{value.Scalar(), value.Scalar()};
    }
    if (!value.IsMap()) {
      Problem(value, key, where + " must be {ru: \"…\", en: \"…\"}");
      return std::nullopt;
    }
    LocalizedText out;
    bool ok = true;
    std::set<std::string> present;
    for (auto& [lang, text] : Entries(value, {"ru", "en"}, where)) {
      present.insert(lang.Scalar());
      if (!text.IsScalar() || text.Scalar().empty()) {
        Problem(text, lang, where + "." + lang.Scalar() + " must be non-empty text");
        ok = false;
        continue;
      }
      (lang.Scalar() == "ru" ? out.ru : out.en) = text.Scalar();
      if (nodes) (*nodes)[lang.Scalar()] = text;
    }
    for (const char* lang : {"ru", "en"}) {
      if (!present.count(lang)) {
        Problem(value, key, where + " has no '" + lang + "' text");
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

 private:
  static bool Known(const YAML::Node& n) { return n.IsDefined() && n.Mark().line >= 0; }
  void Add(int line0, int char_column0, const std::string& message) {
    bool known = line0 >= 0;
    messages.push_back({file_, known ? line0 + 1 : 0, known ? char_column0 + 1 : 0, message});
  }
  int CharColumn(int line0, int byte_column0) const {
    if (line0 < 0 || static_cast<size_t>(line0) >= lines_.size() || byte_column0 < 0) return byte_column0;
    const std::string& l = lines_[static_cast<size_t>(line0)];
    return static_cast<int>(CodePoints(std::string_view(l).substr(0, static_cast<size_t>(byte_column0))));
  }
  char SourceChar(int line, int column) const {
    if (line < 0 || static_cast<size_t>(line) >= lines_.size()) return 0;
    const std::string& l = lines_[static_cast<size_t>(line)];
    return column >= 0 && static_cast<size_t>(column) < l.size() ? l[static_cast<size_t>(column)] : 0;
  }
  int Indent(int line) const {
    if (line < 0 || static_cast<size_t>(line) >= lines_.size()) return 0;
    const std::string& l = lines_[static_cast<size_t>(line)];
    size_t n = l.find_first_not_of(' ');
    return n == std::string::npos ? 0 : static_cast<int>(n);
  }

  std::string file_;
  std::vector<std::string> lines_;
};

std::string KnownList(const std::set<std::string, std::less<>>& known) {
  std::string out;
  for (const auto& k : known) out += (out.empty() ? "" : ", ") + k;
  return out;
}

std::string_view StripYaml(std::string_view file) {
  if (file.size() > kYaml.size() && file.substr(file.size() - kYaml.size()) == kYaml) file.remove_suffix(kYaml.size());
  return file;
}

}  // namespace

std::optional<EmailTemplate> ParseEmailTemplate(std::string_view yaml, std::string_view file,
                                                std::vector<LintMessage>& problems) {
  Linter lint(yaml, file);
  auto finish = [&]() -> bool {
    bool ok = lint.messages.empty();
    problems.insert(problems.end(), lint.messages.begin(), lint.messages.end());
    return ok;
  };
  auto root = lint.Load(yaml);
  if (!root) {
    finish();
    return std::nullopt;
  }
  EmailTemplate out;
  out.file = std::string(file);
  std::map<std::string, std::map<std::string, YAML::Node>> texts;  // "subject" → lang → node
  bool has_code = false, has_subject = false, has_body = false;
  for (auto& [key, value] : lint.Entries(*root, {"code", "description", "defaults", "subject", "body"}, "")) {
    const std::string name = key.Scalar();
    if (name == "code") {
      has_code = true;
      if (!value.IsScalar() || value.Scalar().empty()) {
        lint.Problem(value, key, "code must be the template's name, e.g. rejection_c");
      } else {
        out.code = value.Scalar();
        if (out.code != StripYaml(file))
          lint.Problem(value, "code '" + out.code + "' does not match the file name " + std::string(file));
      }
    } else if (name == "description") {
      if (auto t = lint.Localized(key, value, "description", true)) out.description = *t;
    } else if (name == "defaults") {
      if (!value.IsMap()) {
        lint.Problem(value, key, "defaults must map variable names to {ru: \"…\", en: \"…\"}");
        continue;
      }
      for (const auto& kv : value) {
        std::string var = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        if (!IsName(var)) {
          lint.Problem(kv.first, "'" + var + "' is not a variable name (letters, digits, _)");
          continue;
        }
        if (out.defaults.count(var)) {
          lint.Problem(kv.first, "duplicate key '" + var + "'");
          continue;
        }
        if (auto t = lint.Localized(kv.first, kv.second, "defaults." + var, true)) out.defaults[var] = *t;
      }
    } else if (auto t = lint.Localized(key, value, name, false, &texts[name])) {
      (name == "subject" ? has_subject : has_body) = true;
      (name == "subject" ? out.subject : out.body) = *t;
    } else {
      (name == "subject" ? has_subject : has_body) = true;  // reported already
    }
  }
  if (!has_code) lint.Problem(*root, "missing key 'code'");
  if (!has_subject) lint.Problem(*root, "missing key 'subject'");
  if (!has_body) lint.Problem(*root, "missing key 'body'");

  std::set<std::string, std::less<>> known(std::begin(kBuiltinVariables), std::end(kBuiltinVariables));
  for (const auto& [var, value] : out.defaults) known.insert(var);
  for (const auto& [part, langs] : texts) {
    for (const auto& [lang, node] : langs) {
      std::vector<TagProblem> tag_problems;
      std::string where = part + "." + lang;
      for (const Piece& p : Scan(node.Scalar(), &tag_problems)) {
        if (!p.variable) continue;
        if (!known.count(p.text)) {
          lint.ProblemInScalar(node, p.offset,
                               where + ": unknown variable {{" + std::string(p.text) +
                                   "}} (known: " + KnownList(known) + "; declare others under defaults)");
        } else {
          out.variables.emplace(p.text);
        }
      }
      for (const auto& tp : tag_problems) lint.ProblemInScalar(node, tp.offset, where + ": " + tp.message);
    }
  }
  std::stable_sort(lint.messages.begin(), lint.messages.end(), [](const LintMessage& a, const LintMessage& b) {
    auto key = [](const LintMessage& m) {
      return std::pair(m.line == 0 ? std::numeric_limits<int>::max() : m.line, m.column);
    };
    return key(a) < key(b);
  });
  if (!finish()) return std::nullopt;
  return out;
}

Result<RenderedEmail> Render(const EmailTemplate& tmpl, std::string_view locale,
                             const std::map<std::string, std::string, std::less<>>& values) {
  auto render = [&](std::string_view text, std::string& out) -> Status {
    std::vector<TagProblem> problems;
    for (const Piece& p : Scan(text, &problems)) {
      if (!p.variable) {
        out += p.text;
        continue;
      }
      auto v = values.find(p.text);
      if (v != values.end() && !v->second.empty()) {
        out += v->second;
        continue;
      }
      auto d = tmpl.defaults.find(p.text);
      if (d != tmpl.defaults.end() && !d->second.In(locale).empty()) {
        out += d->second.In(locale);
        continue;
      }
      return Error::Unprocessable(std::string(p.text), "template " + tmpl.code + ": {{" + std::string(p.text) +
                                                           "}} has no value for this e-mail");
    }
    if (!problems.empty())  // ParseEmailTemplate rejects these; a hand-built template may not
      return Error::Unprocessable("template", "template " + tmpl.code + ": " + problems.front().message);
    return Status::Ok();
  };
  RenderedEmail out;
  if (auto s = render(tmpl.subject.In(locale), out.subject); !s) return s.error();
  if (auto s = render(tmpl.body.In(locale), out.body); !s) return s.error();
  // A subject is one header line whatever a deal title contains.
  for (char& c : out.subject)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  out.subject = std::string(Trim(out.subject));
  out.body.erase(std::remove(out.body.begin(), out.body.end(), '\r'), out.body.end());
  return out;
}

TemplateSet TemplateSet::FromFiles(const std::vector<std::pair<std::string, std::string>>& files) {
  TemplateSet set;
  for (const auto& [name, text] : files) {
    std::string_view stem = StripYaml(name);
    if (stem.size() == name.size()) continue;
    std::vector<LintMessage> problems;
    if (auto t = ParseEmailTemplate(text, name, problems)) {
      std::string code = t->code;
      set.templates_.emplace(std::move(code), std::move(*t));
    } else {
      set.broken_[std::string(stem)] = std::move(problems);
    }
  }
  return set;
}

const TemplateSet& TemplateSet::Shipped() {
  static const TemplateSet* shipped = [] {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& [name, text] : EmbeddedEmailTemplates()) files.emplace_back(name, text);
    auto* set = new TemplateSet(FromFiles(files));
    if (!set->broken_.empty())
      throw std::logic_error("shipped e-mail templates are broken:\n" + JoinLint(set->problems()));
    return set;
  }();
  return *shipped;
}

Result<TemplateSet> TemplateSet::LoadDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, std::string>> files;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec)
    return Error{Code::kUnavailable, "cannot read e-mail templates in " + dir + ": " + ec.message(), "templates_dir",
                 nullptr};
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    if (path.extension() != kYaml || !it->is_regular_file(ec)) continue;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return Error{Code::kUnavailable, "cannot read " + path.string(), "templates_dir", nullptr};
    files.emplace_back(path.filename().string(), text.str());
  }
  if (ec)
    return Error{Code::kUnavailable, "cannot read e-mail templates in " + dir + ": " + ec.message(), "templates_dir",
                 nullptr};
  std::sort(files.begin(), files.end());
  return FromFiles(files);
}

Result<const EmailTemplate*> TemplateSet::Find(std::string_view code) const {
  if (auto t = templates_.find(code); t != templates_.end()) return &t->second;
  if (auto b = broken_.find(code); b != broken_.end())
    return Error{Code::kInvalid, "e-mail template " + std::string(code) + " is broken:\n" + JoinLint(b->second),
                 "template", nullptr};
  std::string known;
  for (const auto& c : Codes()) known += (known.empty() ? "" : ", ") + c;
  return Error::NotFound("no e-mail template '" + std::string(code) + "' (known: " + known + ")");
}

std::vector<std::string> TemplateSet::Codes() const {
  std::vector<std::string> out;
  for (const auto& [code, t] : templates_) out.push_back(code);
  return out;
}

std::vector<LintMessage> TemplateSet::problems() const {
  std::vector<LintMessage> out;
  for (const auto& [stem, problems] : broken_) out.insert(out.end(), problems.begin(), problems.end());
  return out;
}

}  // namespace voronka::notify
