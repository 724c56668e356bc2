#pragma once
// The demo company: the seed's IT studio — a head of sales, 4 managers, 2 account
// managers, a curator, the owner and an admin — with ~1 500 leads over the last three
// months across the four channels. Deterministic for a given seed and `now`.

#include <cstdint>
#include <string>

#include "common/time.h"
#include "storage/db.h"

namespace voronka::app {

struct SeedOptions {
  uint32_t seed = 20261124;
  int leads = 1500;
  bool if_empty = false;  // skip when the database already has users
  TimeMs now = 0;
};

// Returns a human-readable summary with the demo logins. Throws on failure; writes nothing then.
std::string SeedDemo(storage::Database& db, const SeedOptions& options);

inline constexpr const char* kDemoPassword = "demo-pass";

}  // namespace voronka::app
