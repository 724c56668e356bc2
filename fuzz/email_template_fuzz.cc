// E-mail templates (notify/template): the parser takes any text; a template that parses renders
// in both languages with every variable filled, or names the variable it lacks.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "notify/template.h"

using namespace voronka;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  std::vector<LintMessage> problems;
  auto tmpl = notify::ParseEmailTemplate(yaml, "fuzz.yaml", problems);
  if (!tmpl) return 0;
  std::map<std::string, std::string, std::less<>> values = {
      {"contact_name", "Вера {{deal_title}}"}, {"deal_title", "Сайт"}, {"manager_name", "Анна"},
      {"manager_email", "anna@example.ru"}, {"company_name", "ООО Ромашка"}};
  for (const char* locale : {"ru", "en"}) {
    auto r = notify::Render(*tmpl, locale, values);
    if (!r.ok() && r.error().field.empty()) std::abort();
  }
  (void)notify::Render(*tmpl, "ru", {});
  return 0;
}
