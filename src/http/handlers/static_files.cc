// The built single-page app: real files with caching headers; any other path gets
// index.html so that the SPA's own routes work on reload.

#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/api.h"

namespace voronka::http {

namespace {
std::string ContentType(const std::string& ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool ReadFile(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}
}  // namespace

Response ServeStatic(const std::string& web_root, const Request& req) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path root = fs::weakly_canonical(web_root, ec);
  fs::path wanted = fs::weakly_canonical(root / fs::path(req.path).relative_path(), ec);
  Response res;
  bool inside = !ec && wanted.string().rfind(root.string(), 0) == 0;
  if (inside && fs::is_regular_file(wanted, ec) && ReadFile(wanted, res.body)) {
    res.content_type = ContentType(wanted.extension().string());
    // Vite puts content hashes in asset names: those may be cached for a year.
    bool hashed = wanted.parent_path().filename() == "assets";
    res.headers.emplace_back("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    return res;
  }
  if (ReadFile(root / "index.html", res.body)) {
    res.content_type = "text/html; charset=utf-8";
    res.headers.emplace_back("Cache-Control", "no-cache");
    return res;
  }
  return Response::FromError(Error::NotFound("no file " + req.path));
}

}  // namespace voronka::http
