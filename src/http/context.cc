#include "http/context.h"

namespace voronka::http {

void Fail(Error error) { throw ErrorException{std::move(error)}; }

const domain::Principal& Context::user() const {
  if (!principal) Fail(Error::Unauthenticated("log in first"));
  return *principal;
}

nlohmann::json Context::JsonBody() const {
  if (req.body.empty()) Fail(Error::Invalid("", "request body is empty; send a JSON object"));
  try {
    return nlohmann::json::parse(req.body);
  } catch (const nlohmann::json::parse_error& e) {
    Fail(Error::Invalid("", "request body is not valid JSON (at byte " + std::to_string(e.byte) + ")"));
  }
}

int64_t Context::IdParam(const std::string& name) const {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos || it->second == "0")
    Fail(Error::NotFound("'" + (it == params.end() ? std::string() : it->second) + "' is not a valid id"));
  return std::stoll(it->second);
}

}  // namespace voronka::http
