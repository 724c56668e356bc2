#include "storage/personal_data.h"

#include <gtest/gtest.h>

namespace voronka::storage {
namespace {

using nlohmann::json;

TEST(PersonalValues, NameWordsPhonesAsWrittenAndEmailsLongestFirst) {
  auto values = PersonalValues({{"name", "Ерофей Ли Тихонравов"},
                                {"phones", {"+79165550177"}},
                                {"emails", {"e@x.ru"}},
                                {"position", nullptr},
                                {"notes", "ok"},
                                {"responsible_id", 5}});
  std::vector<std::string> expected = {"Ерофей Ли Тихонравов", "Тихонравов", "+79165550177", "Ерофей",
                                       "79165550177", "89165550177", "e@x.ru"};
  // "Ли" and "ok" are too short to hunt for; ids are not personal values.
  EXPECT_EQ(values, expected);
}

TEST(RedactText, ReplacesEveryOccurrenceAndTheLongerValueFirst) {
  std::vector<std::string> values = {"Ерофей Тихонравов", "Ерофей"};
  EXPECT_EQ(RedactText("Звонок: Ерофей Тихонравов; Ерофей ждёт", values), "Звонок: [erased]; [erased] ждёт");
  EXPECT_EQ(RedactText("ничего", values), "ничего");
  EXPECT_EQ(RedactText("aaaa", {"aa"}), "[erased][erased]");
}

TEST(RedactJson, RedactsStringsButNotKeysOrNumbers) {
  json doc = {{"title", "Лид Ерофей"}, {"Ерофей", 79165550177LL}, {"list", {"Ерофей", 1}}};
  json out = RedactJson(doc, {"Ерофей", "79165550177"});
  EXPECT_EQ(out, json({{"title", "Лид [erased]"}, {"Ерофей", 79165550177LL}, {"list", {"[erased]", 1}}}));
}

}  // namespace
}  // namespace voronka::storage
