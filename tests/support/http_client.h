#pragma once
// A small blocking HTTP/1.1 client for API tests: one keep-alive connection, cookies
// remembered like a browser, JSON helpers.

#include <nlohmann/json.hpp>
#include <map>
#include <string>
#include <vector>

namespace voronka::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json json() const;
  std::string header(const std::string& lower) const;
};

class HttpClient {
 public:
  explicit HttpClient(int port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends a request; reconnects once if the kept-alive connection was closed.
  // status 0 means the server could not be reached.
  HttpResponse Request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::vector<std::pair<std::string, std::string>>& headers = {});

  HttpResponse Get(const std::string& target) { return Request("GET", target); }
  HttpResponse Post(const std::string& target, const nlohmann::json& body,
                    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Request("POST", target, body.dump(), headers);
  }
  HttpResponse Patch(const std::string& target, const nlohmann::json& body) {
    return Request("PATCH", target, body.dump());
  }

  // Logs in (POST /api/auth/login) and keeps the session cookie. Returns the status.
  int Login(const std::string& email, const std::string& password);
  void SetBearer(const std::string& token) { bearer_ = token; }
  void ClearCookies() { cookies_.clear(); }

  // Sends a GET with this client's cookies on a new connection and returns the socket for
  // the caller to read a stream from (-1 on failure). The caller closes it.
  int OpenStream(const std::string& target);
  // Reads from a stream socket until `needle` has arrived or `timeout_ms` passed; returns all read.
  static std::string ReadUntil(int fd, const std::string& needle, int timeout_ms);

 private:
  bool Connect();
  void Close();
  bool SendAll(const std::string& data);
  bool ReadResponse(HttpResponse& out);

  int port_;
  int fd_ = -1;
  std::string buffer_;
  std::map<std::string, std::string> cookies_;
  std::string bearer_;
};

}  // namespace voronka::testing
