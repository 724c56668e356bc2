#include "common/text.h"

#include <gtest/gtest.h>

namespace voronka {
namespace {

TEST(NormalizePhone, RussianFormsBecomeE164) {
  EXPECT_EQ(NormalizePhone("8 (916) 123-45-67"), "+79161234567");
  EXPECT_EQ(NormalizePhone("+7 916 123 45 67"), "+79161234567");
  EXPECT_EQ(NormalizePhone("79161234567"), "+79161234567");
  EXPECT_EQ(NormalizePhone("9161234567"), "+79161234567");
  EXPECT_EQ(NormalizePhone("  +7(495)123.45.67 "), "+74951234567");
}

TEST(NormalizePhone, ForeignNumbersNeedPlus) {
  EXPECT_EQ(NormalizePhone("+375 29 123-45-67"), "+375291234567");
  EXPECT_EQ(NormalizePhone("375291234567"), std::nullopt);
}

TEST(NormalizePhone, RejectsNonPhones) {
  EXPECT_EQ(NormalizePhone(""), std::nullopt);
  EXPECT_EQ(NormalizePhone("123-45"), std::nullopt);
  EXPECT_EQ(NormalizePhone("call me"), std::nullopt);
  EXPECT_EQ(NormalizePhone("8916123456x"), std::nullopt);
  EXPECT_EQ(NormalizePhone("+7916+1234567"), std::nullopt);
  EXPECT_EQ(NormalizePhone("+1234567890123456"), std::nullopt);
}

TEST(NormalizeEmail, TrimsAndLowerCases) {
  EXPECT_EQ(NormalizeEmail("  Ivan.Petrov@Example.RU "), "ivan.petrov@example.ru");
  EXPECT_EQ(NormalizeEmail("a@b.co"), "a@b.co");
}

TEST(NormalizeEmail, RejectsMalformed) {
  for (const char* bad : {"", "plain", "@example.ru", "a@", "a@b", "a@@b.ru", "a b@c.ru", "a@b..ru", "a@.ru", "a@b.r"})
    EXPECT_EQ(NormalizeEmail(bad), std::nullopt) << bad;
}

TEST(FoldCase, LowersCyrillicAndLatin) {
  EXPECT_EQ(FoldCase("Ёлкин ИВАН Petrov"), "ёлкин иван petrov");
  EXPECT_EQ(FoldCase("АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"), "абвгдежзийклмнопрстуфхцчшщъыьэюя");
  EXPECT_EQ(FoldCase("123 ₽"), "123 ₽");
}

TEST(IsValidUtf8, AcceptsTextRejectsBrokenSequences) {
  EXPECT_TRUE(IsValidUtf8("Привет, ₽ 😀"));
  EXPECT_FALSE(IsValidUtf8("\xD0"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));
  EXPECT_FALSE(IsValidUtf8("ab\xFF"));
}

}  // namespace
}  // namespace voronka
