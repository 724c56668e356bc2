#include "auth/throttle.h"

#include <gtest/gtest.h>

namespace voronka::auth {
namespace {

TEST(LoginThrottle, FreeFailuresThenDoublingDelay) {
  LoginThrottle t(3);
  TimeMs now = 1'000'000;
  for (int i = 0; i < 3; ++i) t.Failure("a", now);
  EXPECT_EQ(t.RetryAfterMs("a", now), 0);
  t.Failure("a", now);
  EXPECT_EQ(t.RetryAfterMs("a", now), 1000);
  t.Failure("a", now);
  EXPECT_EQ(t.RetryAfterMs("a", now), 2000);
  t.Failure("a", now);
  EXPECT_EQ(t.RetryAfterMs("a", now), 4000);
  EXPECT_EQ(t.RetryAfterMs("a", now + 4000), 0);
  EXPECT_EQ(t.RetryAfterMs("b", now), 0);  // keys are independent
}

TEST(LoginThrottle, DelayIsCappedAndForgiven) {
  LoginThrottle t(5);
  TimeMs now = 0;
  for (int i = 0; i < 1000; ++i) t.Failure("a", now);
  EXPECT_EQ(t.RetryAfterMs("a", now), LoginThrottle::kMaxDelayMs);  // 1 000 tries: still just 15 minutes
  t.Success("a");
  EXPECT_EQ(t.RetryAfterMs("a", now), 0);
}

}  // namespace
}  // namespace voronka::auth
