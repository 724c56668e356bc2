#pragma once
// Password hashing with argon2id (libsodium, interactive limits: ~70 ms per call on this
// machine type). Call from worker threads only, never from an io thread.

#include <string>
#include <string_view>

namespace voronka::auth {

// An encoded argon2id hash ("$argon2id$v=19$...") that embeds its salt and parameters.
std::string HashPassword(std::string_view password);

// True when `password` matches `encoded`. False for an empty or malformed hash.
bool VerifyPassword(std::string_view encoded, std::string_view password);

// A human-readable problem with a new password, or "" when it is acceptable.
std::string PasswordProblem(std::string_view password);

}  // namespace voronka::auth
