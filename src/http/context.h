#pragma once
// What a handler gets: the request, route parameters, the authenticated principal and
// the application's services. Helpers throw ErrorException, which the dispatcher turns
// into the JSON error response (see api.cc) — the single error path to the client.

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/throttle.h"
#include "common/result.h"
#include "common/time.h"
#include "domain/access.h"
#include "http/message.h"
#include "storage/db.h"

namespace voronka::http {

struct AppConfig {
  int64_t session_ttl_ms = 12LL * 3600 * 1000;
  bool secure_cookies = false;  // set Secure on cookies (behind HTTPS)
  std::string web_root;         // built SPA to serve; "" = none
};

struct Services {
  storage::Database& db;
  const Clock& clock;
  AppConfig config;
  // Failed logins per account, and per address (an office shares one address: more slack).
  auth::LoginThrottle account_throttle{5};
  auth::LoginThrottle address_throttle{30};
};

struct Context {
  const Request& req;
  Services& app;
  std::map<std::string, std::string> params;
  std::optional<domain::Principal> principal;
  std::string session_hash;  // set when authenticated by cookie
  TimeMs now = 0;

  const domain::Principal& user() const;
  // The body as JSON; kInvalid naming the parse position when it is not JSON.
  nlohmann::json JsonBody() const;
  // A numeric route parameter; kNotFound when it is not a positive integer.
  int64_t IdParam(const std::string& name = "id") const;
};

[[noreturn]] void Fail(Error error);

template <class T>
T Unwrap(Result<T> r) {
  if (!r.ok()) Fail(r.error());
  return std::move(r).value();
}
inline void Check(const Status& s) {
  if (!s.ok()) Fail(s.error());
}

}  // namespace voronka::http
