#include "common/error.h"

namespace voronka {

namespace {
struct Entry {
  Code code;
  std::string_view name;
  int status;
};
constexpr Entry kTable[] = {
    {Code::kInvalid, "invalid", 400},          {Code::kUnauthenticated, "unauthenticated", 401},
    {Code::kForbidden, "forbidden", 403},      {Code::kNotFound, "not_found", 404},
    {Code::kMethodNotAllowed, "method_not_allowed", 405},
    {Code::kConflict, "conflict", 409},        {Code::kTooLarge, "too_large", 413},
    {Code::kUnprocessable, "unprocessable", 422}, {Code::kRateLimited, "rate_limited", 429},
    {Code::kInternal, "internal", 500},        {Code::kUnavailable, "unavailable", 503},
};
const Entry& Find(Code code) {
  for (const auto& e : kTable)
    if (e.code == code) return e;
  for (const auto& e : kTable)
    if (e.code == Code::kInternal) return e;
  return kTable[0];
}
}  // namespace

std::string_view CodeName(Code code) { return Find(code).name; }
int HttpStatus(Code code) { return Find(code).status; }

nlohmann::json Error::ToJson() const {
  nlohmann::json err = {{"code", CodeName(code)}, {"message", message}};
  if (!field.empty()) err["field"] = field;
  nlohmann::json body = {{"error", err}};
  if (extra.is_object())
    for (auto& [k, v] : extra.items()) body[k] = v;
  return body;
}

}  // namespace voronka
