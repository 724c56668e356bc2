#include "auth/password.h"

#include <sodium.h>

#include <stdexcept>

namespace voronka::auth {

std::string HashPassword(std::string_view password) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("out of memory while hashing a password");
  return out;
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  if (sodium_init() < 0) return false;
  std::string enc(encoded);
  return crypto_pwhash_str_verify(enc.c_str(), password.data(), password.size()) == 0;
}

std::string PasswordProblem(std::string_view password) {
  if (password.size() < 8) return "password must be at least 8 characters long";
  if (password.size() > 256) return "password must be at most 256 characters long";
  return "";
}

}  // namespace voronka::auth
