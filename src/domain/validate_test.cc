#include "domain/validate.h"

#include <gtest/gtest.h>

namespace voronka::domain {
namespace {

using nlohmann::json;

const EntitySpec& Deals() { return *FindEntity("deals"); }

std::string Message(const Result<FieldValues>& r) { return r.ok() ? "" : r.error().message; }

TEST(ValidateCreate, AppliesDefaults) {
  auto r = ValidateCreate(Deals(), {{"title", "  Сайт  "}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*FindValue(r.value(), "title"), "Сайт");
  EXPECT_EQ(*FindValue(r.value(), "stage"), "incoming");
  EXPECT_EQ(*FindValue(r.value(), "status"), "open");
  EXPECT_EQ(*FindValue(r.value(), "currency"), "RUB");
  EXPECT_EQ(*FindValue(r.value(), "amount"), 0);
}

TEST(ValidateCreate, NamesTheFieldInEveryError) {
  struct Case {
    json body;
    std::string field, message;
  } cases[] = {
      {json::array(), "", "request body must be a JSON object"},
      {{{"amount", 1}}, "title", "field 'title' is required"},
      {{{"title", "x"}, {"amount", "100"}}, "amount", "amount must be an integer amount in minor units (kopecks)"},
      {{{"title", "x"}, {"segment", "D"}}, "segment", "segment must be one of: A, B, C"},
      {{{"title", "x"}, {"currency", "rub"}}, "currency", "currency must be a three-letter currency code such as RUB"},
      {{{"title", "x"}, {"contact_id", 0}}, "contact_id", "contact_id must be a positive integer id"},
      {{{"title", "x"}, {"members", {1, "two"}}}, "members", "members[1] must be a positive user id"},
      {{{"title", "x"}, {"nope", 1}}, "nope", "unknown field 'nope' for deal"},
      {{{"title", "x"}, {"closed_at", "2026-01-01"}}, "closed_at", "field 'closed_at' is set by the server"},
      {{{"title", "a\nb"}}, "title", "title must be a single line"},
      {{{"title", std::string(201, 'x')}}, "title", "title must be at most 200 characters"},
  };
  for (const auto& c : cases) {
    auto r = ValidateCreate(Deals(), c.body);
    ASSERT_FALSE(r.ok()) << c.body.dump();
    EXPECT_EQ(r.error().code, Code::kInvalid);
    EXPECT_EQ(r.error().field, c.field) << c.body.dump();
    EXPECT_EQ(r.error().message, c.message);
  }
}

TEST(ValidateCreate, LengthCountsCharactersNotBytes) {
  EXPECT_TRUE(ValidateCreate(Deals(), {{"title", std::string(200 / 2 * 2, 'x')}}).ok());
  std::string cyr;
  for (int i = 0; i < 200; ++i) cyr += "ж";  // 400 bytes, 200 characters
  EXPECT_TRUE(ValidateCreate(Deals(), {{"title", cyr}}).ok()) << Message(ValidateCreate(Deals(), {{"title", cyr}}));
}

TEST(ValidateCreate, NormalisesContactLists) {
  auto r = ValidateCreate(*FindEntity("contacts"),
                          {{"name", "Иван"}, {"phones", {"8 916 123-45-67", "+79161234567"}}, {"emails", {"A@B.RU"}}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*FindValue(r.value(), "phones"), json({"+79161234567"}));  // duplicates collapse
  EXPECT_EQ(*FindValue(r.value(), "emails"), json({"a@b.ru"}));
}

TEST(ValidatePatch, RequiresVersion) {
  int64_t version = 0;
  auto missing = ValidatePatch(Deals(), {{"title", "x"}}, &version);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "version");
  auto ok = ValidatePatch(Deals(), {{"version", 3}, {"stage", "closing"}}, &version);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(version, 3);
  EXPECT_EQ(ok.value().size(), 1u);  // no defaults on a patch
}

TEST(ValidateField, TimesBecomeMilliseconds) {
  auto r = ValidateField(*Deals().Find("decision_date"), "2026-01-01T03:00:00+03:00");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 1767225600000LL);
}

}  // namespace
}  // namespace voronka::domain
