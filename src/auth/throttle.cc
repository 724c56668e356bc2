#include "auth/throttle.h"

#include <algorithm>

namespace voronka::auth {

int64_t LoginThrottle::RetryAfterMs(const std::string& key, TimeMs now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  return std::max<int64_t>(0, it->second.blocked_until - now);
}

void LoginThrottle::Failure(const std::string& key, TimeMs now) {
  std::lock_guard lock(mu_);
  if (entries_.size() > 100000) entries_.clear();  // bound memory under a flood of keys
  Entry& e = entries_[key];
  if (now - e.last > kMaxDelayMs * 2) e.failures = 0;  // forget old failures
  e.last = now;
  ++e.failures;
  if (e.failures > free_failures_) {
    int shift = std::min(e.failures - free_failures_ - 1, 20);
    e.blocked_until = now + std::min(kMaxDelayMs, kBaseDelayMs << shift);
  }
}

void LoginThrottle::Success(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

}  // namespace voronka::auth
