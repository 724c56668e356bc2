#pragma once
// E-mail templates a head of sales edits: processes/templates/<code>.yaml, Russian and English.
//
//   code: rejection_c                        # must equal the file name without .yaml
//   description: {ru: "…", en: "…"}          # optional
//   defaults:                                # optional: extra variables and their values
//     partner_name: {ru: "наше агентство-партнёр", en: "our partner agency"}
//   subject: {ru: "…{{deal_title}}…", en: "…"}
//   body: {ru: "…", en: "…"}                 # usually block scalars (|)
//
// Placeholders are `{{name}}` (spaces inside the braces allowed) and nothing else of mustache:
// sections, partials and `{{{raw}}}` are errors, and values are inserted verbatim (plain text,
// no HTML escaping, no re-expansion of braces inside a value). A template may use only the
// built-in variables (kBuiltinVariables) and those it declares under `defaults`; any other
// name is a lint error found when the file is loaded, so an e-mail is never sent with a blank
// where a variable was misspelt.
//
// Everything here is pure except LoadDirectory (reads files). A TemplateSet is immutable
// after construction and may be shared between threads.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/lint.h"
#include "common/result.h"

namespace voronka::notify {

// Filled by the outbox from the deal, its contact, its responsible manager and the mail config.
inline constexpr std::string_view kBuiltinVariables[] = {"contact_name", "deal_title", "manager_name", "manager_email",
                                                         "company_name"};

struct LocalizedText {
  std::string ru{}, en{};
  // "en" → en, anything else → ru.
  const std::string& In(std::string_view locale) const { return locale == "en" ? en : ru; }
};

struct EmailTemplate {
  std::string code{};
  std::string file{};  // as given to the parser, for messages
  LocalizedText description{}, subject{}, body{};
  std::map<std::string, LocalizedText, std::less<>> defaults{};
  std::set<std::string, std::less<>> variables{};  // every variable subject and body use
};

struct RenderedEmail {
  std::string subject{}, body{};
};

// Parses one template file named `file` ("rejection_c.yaml"). Returns nullopt and appends
// to `problems` ("file:line:column: message") when anything is wrong: YAML syntax, unknown
// or missing keys, a missing language, a code that does not match the file name, an
// unknown variable, an unsupported or unclosed tag.
std::optional<EmailTemplate> ParseEmailTemplate(std::string_view yaml, std::string_view file,
                                                std::vector<LintMessage>& problems);

// Renders the template in `locale` ("ru" or "en"). `values` (variable → text) take precedence
// over the template's defaults. Error kUnprocessable, field = the variable, when a variable
// the chosen text uses has no value or an empty one — never renders a blank.
Result<RenderedEmail> Render(const EmailTemplate& tmpl, std::string_view locale,
                             const std::map<std::string, std::string, std::less<>>& values);

class TemplateSet {
 public:
  // (file name, contents) pairs; files not ending in .yaml are ignored.
  static TemplateSet FromFiles(const std::vector<std::pair<std::string, std::string>>& files);
  // The templates compiled into the binary from processes/templates/. A broken shipped
  // template is a build bug: throws std::logic_error naming its problems.
  static const TemplateSet& Shipped();
  // Every *.yaml in `dir` (not recursive). Error kUnavailable, field "templates_dir", when the
  // directory cannot be read. Broken files do not fail the load: see Find and problems().
  static Result<TemplateSet> LoadDirectory(const std::string& dir);

  // Error kInvalid, field "template", whose message lists the file's problems when the file
  // for `code` is broken; kNotFound naming the known codes when there is no such template.
  Result<const EmailTemplate*> Find(std::string_view code) const;

  std::vector<std::string> Codes() const;
  // Problems of all broken files, in file order.
  std::vector<LintMessage> problems() const;

 private:
  std::map<std::string, EmailTemplate, std::less<>> templates_;
  std::map<std::string, std::vector<LintMessage>, std::less<>> broken_;  // by file name stem
};

}  // namespace voronka::notify
