#include "common/time.h"

#include <gtest/gtest.h>

namespace voronka {
namespace {

TEST(Iso, RoundTripsUtc) {
  auto t = ParseIso("2026-11-24T23:47:08Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatIso(*t), "2026-11-24T23:47:08Z");
  EXPECT_EQ(FormatIso(*t + 5), "2026-11-24T23:47:08.005Z");
}

TEST(Iso, OffsetsAndDatesAreNormalisedToUtc) {
  EXPECT_EQ(FormatIso(*ParseIso("2026-11-24T10:00:00+03:00")), "2026-11-24T07:00:00Z");
  EXPECT_EQ(FormatIso(*ParseIso("2026-11-24T10:00+0500")), "2026-11-24T05:00:00Z");
  EXPECT_EQ(FormatIso(*ParseIso("2026-11-24")), "2026-11-24T00:00:00Z");
  EXPECT_EQ(FormatIso(*ParseIso("2026-11-24 10:15:30.25Z")), "2026-11-24T10:15:30.250Z");
  EXPECT_EQ(*ParseIso("1970-01-01T00:00:00Z"), 0);
}

TEST(Iso, RejectsMalformed) {
  for (const char* bad : {"", "24.11.2026", "2026-13-01", "2026-02-30", "2026-11-24T25:00", "2026-11-24T10:00:00+3",
                          "2026-11-24Tnoon", "2026-11-24T10:00:00Zjunk"})
    EXPECT_FALSE(ParseIso(bad)) << bad;
}

}  // namespace
}  // namespace voronka
