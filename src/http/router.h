#pragma once
// Routes: method + pattern ("/api/deals/{id}") → handler. The route table is also the
// source of the OpenAPI paths, so a route cannot exist without being documented.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/message.h"

namespace voronka::http {

struct Context;
using RouteHandler = std::function<Response(Context&)>;

// kOptional: authenticated when credentials are sent; the handler decides otherwise.
enum class Auth { kPublic, kRequired, kOptional };

struct RouteDoc {
  std::string summary = {};
  std::string tag = {};
  std::string request_schema = {};   // components/schemas name of the body, "" for none
  std::string response_schema = {};  // name of the success body schema, "" for a generic object
  int success_status = 200;
  std::vector<std::string> query = {};  // documented query parameters
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Auth auth = Auth::kRequired;
  RouteHandler handler;
  RouteDoc doc;
};

struct Match {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  bool path_exists = false;  // some route has this path with another method
};

class Router {
 public:
  void Add(std::string method, std::string pattern, Auth auth, RouteDoc doc, RouteHandler handler);
  Match Find(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace voronka::http
