#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace voronka::testing {

nlohmann::json HttpResponse::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

std::string HttpResponse::header(const std::string& lower) const {
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

HttpClient::HttpClient(int port) : port_(port) {}
HttpClient::~HttpClient() { Close(); }

bool HttpClient::Connect() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Close();
    return false;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{30, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  buffer_.clear();
  return true;
}

void HttpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

bool HttpClient::SendAll(const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool HttpClient::ReadResponse(HttpResponse& out) {
  auto fill = [&]() {
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  };
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos)
    if (!fill()) return false;
  std::string head = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  out.status = std::atoi(status_line.c_str() + status_line.find(' ') + 1);
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(pos, end - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "set-cookie") {
        std::string pair = value.substr(0, value.find(';'));
        size_t eq = pair.find('=');
        if (eq != std::string::npos) {
          std::string cname = pair.substr(0, eq), cvalue = pair.substr(eq + 1);
          if (cvalue.empty() || value.find("Max-Age=0") != std::string::npos) cookies_.erase(cname);
          else cookies_[cname] = cvalue;
        }
      }
      out.headers[name] = value;
    }
    pos = end + 2;
  }
  size_t length = 0;
  if (auto it = out.headers.find("content-length"); it != out.headers.end()) length = std::stoul(it->second);
  while (buffer_.size() < length)
    if (!fill()) return false;
  out.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  if (out.header("connection") == "close") Close();
  return true;
}

HttpResponse HttpClient::Request(const std::string& method, const std::string& target, const std::string& body,
                                 const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH")
    req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (!cookies_.empty()) {
    req += "Cookie: ";
    bool first = true;
    for (auto& [k, v] : cookies_) req += (first ? "" : "; ") + k + "=" + v, first = false;
    req += "\r\n";
  }
  if (!bearer_.empty()) req += "Authorization: Bearer " + bearer_ + "\r\n";
  for (auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "\r\n" + body;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0 && !Connect()) return {};
    HttpResponse res;
    if (SendAll(req) && ReadResponse(res)) return res;
    Close();
  }
  return {};
}

int HttpClient::OpenStream(const std::string& target) {
  HttpClient raw(port_);
  if (!raw.Connect()) return -1;
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  if (!cookies_.empty()) {
    req += "Cookie: ";
    bool first = true;
    for (auto& [k, v] : cookies_) req += (first ? "" : "; ") + k + "=" + v, first = false;
    req += "\r\n";
  }
  req += "\r\n";
  if (!raw.SendAll(req)) return -1;
  int fd = raw.fd_;
  raw.fd_ = -1;  // handed to the caller
  return fd;
}

std::string HttpClient::ReadUntil(int fd, const std::string& needle, int timeout_ms) {
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (got.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

int HttpClient::Login(const std::string& email, const std::string& password) {
  return Post("/api/auth/login", {{"email", email}, {"password", password}}).status;
}

}  // namespace voronka::testing
