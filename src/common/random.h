#pragma once
// Secrets and their digests (libsodium). Tokens are shown once; only digests are stored.

#include <string>
#include <string_view>

namespace voronka {

// `bytes` random bytes as lowercase hex (2*bytes characters).
std::string RandomHex(size_t bytes);

// SHA-256 of text as lowercase hex.
std::string Sha256Hex(std::string_view text);

}  // namespace voronka
