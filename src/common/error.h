#pragma once
// One enum of error codes for the whole program, one table to HTTP status.
// Expected failures travel as values (Result<T>); exceptions are for bugs and
// request-aborting failures (they become 500 at the HTTP edge).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace voronka {

enum class Code {
  kInvalid,          // 400: malformed body, wrong type, missing or unknown field
  kUnauthenticated,  // 401: no or expired session / token
  kForbidden,        // 403: authenticated but not allowed
  kNotFound,         // 404: no such route or record
  kMethodNotAllowed, // 405: the path exists with other methods
  kConflict,         // 409: stale version or duplicate
  kTooLarge,         // 413: body over the configured limit
  kUnprocessable,    // 422: well-formed but refers to unknown ids / violates a rule
  kRateLimited,      // 429
  kInternal,         // 500
  kUnavailable,      // 503: database down, shutting down
};

// Stable machine-readable name, e.g. "invalid".
std::string_view CodeName(Code code);
int HttpStatus(Code code);

struct Error {
  Code code = Code::kInternal;
  std::string message;  // for the client: says what is wrong
  std::string field;    // the offending field, when there is one
  nlohmann::json extra = nullptr;  // merged into the response body (e.g. "current")

  static Error Invalid(std::string field, std::string message) {
    return {Code::kInvalid, std::move(message), std::move(field), nullptr};
  }
  static Error NotFound(std::string message) { return {Code::kNotFound, std::move(message), {}, nullptr}; }
  static Error Forbidden(std::string message) { return {Code::kForbidden, std::move(message), {}, nullptr}; }
  static Error Unprocessable(std::string field, std::string message) {
    return {Code::kUnprocessable, std::move(message), std::move(field), nullptr};
  }
  static Error Conflict(std::string message) { return {Code::kConflict, std::move(message), {}, nullptr}; }
  static Error Unauthenticated(std::string message) {
    return {Code::kUnauthenticated, std::move(message), {}, nullptr};
  }

  // {"error": {"code", "message", "field"?}, ...extra}
  nlohmann::json ToJson() const;
};

}  // namespace voronka
