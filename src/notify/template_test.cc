#include "notify/template.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace voronka::notify {
namespace {

using Values = std::map<std::string, std::string, std::less<>>;

const Values kDeal = {{"contact_name", "Иван Петров"},
                      {"deal_title", "Сайт для пекарни"},
                      {"manager_name", "Анна Смирнова"},
                      {"manager_email", "anna@studio.ru"},
                      {"company_name", "Студия Север"}};

std::string Problems(std::string_view yaml, std::string_view file = "t.yaml") {
  std::vector<LintMessage> problems;
  auto t = ParseEmailTemplate(yaml, file, problems);
  EXPECT_EQ(t.has_value(), problems.empty());
  return JoinLint(problems);
}

EmailTemplate Parse(std::string_view yaml) {
  std::vector<LintMessage> problems;
  auto t = ParseEmailTemplate(yaml, "t.yaml", problems);
  EXPECT_TRUE(t.has_value()) << JoinLint(problems);
  return t.value_or(EmailTemplate{});
}

TEST(EmailTemplateTest, ShippedTemplatesParseAndUseOnlyKnownVariables) {
  const TemplateSet& shipped = TemplateSet::Shipped();
  EXPECT_EQ(JoinLint(shipped.problems()), "");
  auto codes = shipped.Codes();
  EXPECT_NE(std::find(codes.begin(), codes.end(), "rejection_c"), codes.end());
  EXPECT_NE(std::find(codes.begin(), codes.end(), "proposal_sent"), codes.end());
  for (const auto& code : codes) {
    for (const char* locale : {"ru", "en"}) {
      auto r = Render(*shipped.Find(code).value(), locale, kDeal);
      ASSERT_TRUE(r.ok()) << code << " " << locale << ": " << r.error().message;
      EXPECT_EQ(r->body.find("{{"), std::string::npos) << code;
      EXPECT_EQ(r->subject.find('\n'), std::string::npos) << code;
    }
  }
}

TEST(EmailTemplateTest, RejectionCExplainsAndOffersThePartnerInBothLanguages) {
  const EmailTemplate& t = *TemplateSet::Shipped().Find("rejection_c").value();
  auto ru = Render(t, "ru", kDeal);
  ASSERT_TRUE(ru.ok()) << ru.error().message;
  EXPECT_EQ(ru->subject, "Студия Север: ответ по проекту «Сайт для пекарни»");
  EXPECT_EQ(ru->body.rfind("Здравствуйте, Иван Петров!\n", 0), 0u) << ru->body;
  EXPECT_NE(ru->body.find("не сможем за него взяться"), std::string::npos);
  EXPECT_NE(ru->body.find("по нашей партнёрской программе такие проекты ведёт\nнаше агентство-партнёр"),
            std::string::npos)
      << ru->body;
  EXPECT_NE(ru->body.find("Анна Смирнова\nСтудия Север\nanna@studio.ru\n"), std::string::npos);

  auto en = Render(t, "en", kDeal);
  ASSERT_TRUE(en.ok());
  EXPECT_NE(en->body.find("by our partner agency, a team we trust"), std::string::npos) << en->body;

  Values with_partner = kDeal;
  with_partner["partner_name"] = "студия «Южный ветер»";
  auto named = Render(t, "ru", with_partner);
  ASSERT_TRUE(named.ok());
  EXPECT_NE(named->body.find("ведёт\nстудия «Южный ветер» — команда"), std::string::npos) << named->body;
}

TEST(EmailTemplateTest, UnknownVariableIsReportedWhereItIsWritten) {
  EXPECT_EQ(Problems("code: t\n"
                     "subject: {ru: \"Привет, {{contact_name}}\", en: \"Hi {{client}}\"}\n"
                     "body:\n"
                     "  ru: |\n"
                     "    Здравствуйте, {{contact_nmae}}!\n"
                     "  en: Hello\n"),
            "t.yaml:2:51: subject.en: unknown variable {{client}} (known: company_name, contact_name, deal_title, "
            "manager_email, manager_name; declare others under defaults)\n"
            "t.yaml:5:19: body.ru: unknown variable {{contact_nmae}} (known: company_name, contact_name, deal_title, "
            "manager_email, manager_name; declare others under defaults)");
}

TEST(EmailTemplateTest, DefaultsDeclareExtraVariables) {
  EmailTemplate t = Parse(
      "code: t\n"
      "defaults: {partner_name: {ru: партнёр, en: partner}, sign: Команда}\n"
      "subject: {ru: \"{{sign}}\", en: \"{{sign}}\"}\n"
      "body: {ru: \"{{partner_name}}\", en: \"{{ partner_name }}\"}\n");
  EXPECT_EQ(t.variables, (std::set<std::string, std::less<>>{"partner_name", "sign"}));
  auto en = Render(t, "en", {});
  ASSERT_TRUE(en.ok());
  EXPECT_EQ(en->subject, "Команда");
  EXPECT_EQ(en->body, "partner");
}

TEST(EmailTemplateTest, OnlyPlainVariablesAreSupported) {
  EXPECT_EQ(Problems("code: t\n"
                     "subject: {ru: \"{{#deal}}x{{/deal}}\", en: \"{{{contact_name}}}\"}\n"
                     "body: {ru: \"{{ 1x }} и {{contact_name\", en: \"{{}}\"}\n"),
            "t.yaml:2:16: subject.ru: unsupported tag {{#deal}}: templates have only variables written {{name}}\n"
            "t.yaml:2:26: subject.ru: unsupported tag {{/deal}}: templates have only variables written {{name}}\n"
            "t.yaml:2:43: subject.en: unsupported tag {{{contact_name}}: templates have only variables written "
            "{{name}}\n"
            "t.yaml:3:13: body.ru: '{{1x}}' is not a variable (expected {{name}})\n"
            "t.yaml:3:24: body.ru: unclosed {{ (a variable is written {{name}})\n"
            "t.yaml:3:46: body.en: '{{}}' is not a variable (expected {{name}})");
}

TEST(EmailTemplateTest, StructureProblemsAreAllReported) {
  EXPECT_EQ(Problems("code: other\nsubject: {ru: Тема}\nbody: text\nfooter: x\n"),
            "t.yaml:1:7: code 'other' does not match the file name t.yaml\n"
            "t.yaml:2:10: subject has no 'en' text\n"
            "t.yaml:3:7: body must be {ru: \"…\", en: \"…\"}\n"
            "t.yaml:4:1: unknown key 'footer' (allowed: code, description, defaults, subject, body)");
  EXPECT_EQ(Problems("subject: [\n"), "t.yaml:2:1: YAML syntax error: end of sequence flow not found");
  EXPECT_EQ(Problems("code: t\n"), "t.yaml:1:1: missing key 'subject'\nt.yaml:1:1: missing key 'body'");
}

TEST(EmailTemplateTest, AVariableWithoutAValueIsAnErrorNeverABlank) {
  EmailTemplate t = Parse(
      "code: t\nsubject: {ru: \"Тема\", en: Subject}\n"
      "body: {ru: \"{{manager_name}}, {{manager_email}}\", en: x}\n");
  Values values = {{"manager_name", "Анна"}, {"manager_email", ""}};
  auto r = Render(t, "ru", values);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kUnprocessable);
  EXPECT_EQ(r.error().field, "manager_email");
  EXPECT_EQ(r.error().message, "template t: {{manager_email}} has no value for this e-mail");
  EXPECT_TRUE(Render(t, "en", values).ok());  // the English text does not use it
}

TEST(EmailTemplateTest, ValuesAreInsertedVerbatimAndSubjectsStayOneLine) {
  EmailTemplate t = Parse(
      "code: t\nsubject: {ru: \"Проект {{deal_title}}\", en: x}\n"
      "body: {ru: \"{{contact_name}}\", en: x}\n");
  auto r = Render(t, "ru", {{"deal_title", "A\r\nBcc: evil@x.ru"}, {"contact_name", "{{deal_title}} & <b>"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->subject, "Проект A  Bcc: evil@x.ru");
  EXPECT_EQ(r->body, "{{deal_title}} & <b>");
}

TEST(EmailTemplateTest, DirectoryWithABrokenFileNamesItsProblems) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "voronka-tmpl-XXXXXX").string();
  std::string dir = mkdtemp(tmpl.data());
  std::ofstream(dir + "/good.yaml") << "code: good\nsubject: {ru: a, en: b}\nbody: {ru: a, en: b}\n";
  std::ofstream(dir + "/bad.yaml") << "code: bad\nsubject: {ru: \"{{nope}}\", en: b}\nbody: {ru: a, en: b}\n";
  std::ofstream(dir + "/notes.txt") << "ignored";
  auto set = TemplateSet::LoadDirectory(dir);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->Codes(), std::vector<std::string>{"good"});
  auto bad = set->Find("bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Code::kInvalid);
  EXPECT_EQ(bad.error().message.rfind(
                "e-mail template bad is broken:\nbad.yaml:2:16: subject.ru: unknown variable {{nope}}", 0),
            0u)
      << bad.error().message;
  auto missing = set->Find("rejection_c");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Code::kNotFound);
  EXPECT_EQ(missing.error().message, "no e-mail template 'rejection_c' (known: good)");
  std::filesystem::remove_all(dir);

  auto absent = TemplateSet::LoadDirectory(dir);
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().code, Code::kUnavailable);
}

}  // namespace
}  // namespace voronka::notify
