#include "http/router.h"

namespace voronka::http {

namespace {
std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    if (next > pos) parts.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return parts;
}
}  // namespace

void Router::Add(std::string method, std::string pattern, Auth auth, RouteDoc doc, RouteHandler handler) {
  Route r;
  r.method = std::move(method);
  r.segments = Split(pattern);
  r.pattern = std::move(pattern);
  r.auth = auth;
  r.doc = std::move(doc);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

Match Router::Find(const std::string& method, const std::string& path) const {
  Match m;
  auto parts = Split(path);
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      const auto& seg = r.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}')
        params[seg.substr(1, seg.size() - 2)] = parts[i];
      else
        ok = seg == parts[i];
    }
    if (!ok) continue;
    if (r.method != method) {
      m.path_exists = true;
      continue;
    }
    m.route = &r;
    m.params = std::move(params);
    return m;
  }
  return m;
}

}  // namespace voronka::http
