#pragma once
// Plain HTTP request/response values shared by the server, the router and the handlers.
// Nothing here depends on Beast, so handlers compile fast and can be tested directly.

#include <nlohmann/json.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace voronka::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw, with query string
  std::string path;    // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;              // lower-case names
  std::string body;
  std::string remote;  // peer address

  std::optional<std::string> Header(const std::string& lower_name) const;
  std::optional<std::string> Query(const std::string& name) const;
  std::optional<std::string> Cookie(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Server-sent events: when set, the server sends the headers, then calls `stream` about
  // once a second on a worker thread and writes what it returns (SSE text, "" for nothing
  // new) until it returns nullopt, the client goes away or the server stops.
  std::function<std::optional<std::string>()> stream;

  static Response Json(int status, const nlohmann::json& body);
  static Response FromError(const Error& error);
};

// Splits "a=1&b=x%20y" into decoded pairs ('+' is a space).
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);
std::string PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace voronka::http
