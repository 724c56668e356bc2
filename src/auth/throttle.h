#pragma once
// Login throttling: after a few failures for the same account or address, further
// attempts are refused for a delay that doubles with each failure (capped), so brute
// force gets nowhere while a real user is never locked out for long. Thread-safe.

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/time.h"

namespace voronka::auth {

class LoginThrottle {
 public:
  explicit LoginThrottle(int free_failures = 5) : free_failures_(free_failures) {}

  // Milliseconds to wait before `key` may try again (0 = may try now).
  int64_t RetryAfterMs(const std::string& key, TimeMs now);
  void Failure(const std::string& key, TimeMs now);
  void Success(const std::string& key);

  static constexpr int64_t kBaseDelayMs = 1000;
  static constexpr int64_t kMaxDelayMs = 15 * 60 * 1000;

 private:
  struct Entry {
    int failures = 0;
    TimeMs blocked_until = 0;
    TimeMs last = 0;
  };
  int free_failures_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace voronka::auth
