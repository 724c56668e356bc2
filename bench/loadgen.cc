// voronka_loadgen — a small single-threaded HTTP/1.1 load generator on Boost.Asio.
//
// N keep-alive connections, each with one request in flight, share a fixed total number of
// requests. Request bodies and headers are templates: "{n}" becomes the request number and
// "{n:W}" the number zero-padded to W digits, so every request can carry its own phone, e-mail
// and Idempotency-Key. Responses are parsed by hand (status line, Content-Length or chunked);
// anything but 2xx counts as an error. One summary line is printed at the end:
//
//   intake: 20000 requests, 0 errors, 6123 req/s, p50 4.1 ms, p95 9.0 ms, p99 14.2 ms, ...
//
// Raw sockets on purpose: Beast makes this file take half a minute to compile.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <CLI/CLI.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// ---------------------------------------------------------------------------------------------
// Templates: "{n}" and "{n:W}".

class Template {
 public:
  Template() = default;
  explicit Template(std::string_view text) {
    std::string literal;
    size_t i = 0;
    while (i < text.size()) {
      if (text.compare(i, 3, "{n}") == 0) {
        parts_.push_back({std::move(literal), 0});
        literal.clear();
        i += 3;
        continue;
      }
      if (text.compare(i, 3, "{n:") == 0) {
        size_t close = text.find('}', i + 3);
        int width = 0;
        if (close != std::string_view::npos) {
          auto [p, ec] = std::from_chars(text.data() + i + 3, text.data() + close, width);
          if (ec == std::errc() && p == text.data() + close && width > 0 && width <= 20) {
            parts_.push_back({std::move(literal), width});
            literal.clear();
            i = close + 1;
            continue;
          }
        }
      }
      literal += text[i++];
    }
    tail_ = std::move(literal);
  }

  void AppendTo(std::string& out, uint64_t n) const {
    for (const auto& part : parts_) {
      out += part.literal;
      std::array<char, 24> buf{};
      auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), n);
      (void)ec;
      size_t len = static_cast<size_t>(end - buf.data());
      if (part.width > 0 && len < static_cast<size_t>(part.width)) out.append(static_cast<size_t>(part.width) - len, '0');
      out.append(buf.data(), len);
    }
    out += tail_;
  }

  std::string Render(uint64_t n) const {
    std::string s;
    AppendTo(s, n);
    return s;
  }

  bool empty() const { return parts_.empty() && tail_.empty(); }

 private:
  struct Part {
    std::string literal;
    int width;  // 0: plain number
  };
  std::vector<Part> parts_;
  std::string tail_;
};

// ---------------------------------------------------------------------------------------------
// Configuration and results.

struct Config {
  std::string label = "load";
  std::string host;
  std::string port;
  std::string path;
  std::string method = "GET";
  Template body;
  bool has_body = false;
  std::vector<Template> headers;  // "Name: value" lines, templated
  uint64_t requests = 10000;
  uint64_t first = 1;
  int connections = 64;
  double time_limit_s = 300;
};

struct Stats {
  std::vector<uint32_t> latency_us;  // completed responses only
  uint64_t completed = 0;            // responses received (any status)
  uint64_t errors = 0;               // non-2xx responses + failed requests
  uint64_t io_errors = 0;            // requests lost to connection errors
  uint64_t reconnects = 0;
  std::map<int, uint64_t> error_statuses;
  std::string first_error;  // status line + start of body of the first non-2xx response
};

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Incremental HTTP/1.1 response parser over a contiguous buffer.

struct ParsedResponse {
  int status = 0;
  bool close = false;
  size_t consumed = 0;  // bytes of the buffer that belong to this response
  std::string_view body;
};

enum class ParseState { kNeedMore, kDone, kBad };

// Parses a chunked body starting at `pos`; on success sets `end` past the final CRLF.
ParseState ParseChunked(std::string_view buf, size_t pos, size_t& end) {
  while (true) {
    size_t eol = buf.find("\r\n", pos);
    if (eol == std::string_view::npos) return ParseState::kNeedMore;
    size_t size = 0;
    auto [p, ec] = std::from_chars(buf.data() + pos, buf.data() + eol, size, 16);
    if (ec != std::errc() || p == buf.data() + pos) return ParseState::kBad;
    pos = eol + 2;
    if (size == 0) {
      // Trailers (usually none) end with an empty line.
      while (true) {
        size_t line_end = buf.find("\r\n", pos);
        if (line_end == std::string_view::npos) return ParseState::kNeedMore;
        bool empty = line_end == pos;
        pos = line_end + 2;
        if (empty) {
          end = pos;
          return ParseState::kDone;
        }
      }
    }
    if (buf.size() < pos + size + 2) return ParseState::kNeedMore;
    pos += size + 2;
  }
}

ParseState ParseResponse(std::string_view buf, bool head_request, ParsedResponse& out) {
  size_t header_end = buf.find("\r\n\r\n");
  if (header_end == std::string_view::npos) return buf.size() > 64 * 1024 ? ParseState::kBad : ParseState::kNeedMore;
  std::string_view head = buf.substr(0, header_end + 2);
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return ParseState::kBad;
  size_t sp = status_line.find(' ');
  if (sp == std::string_view::npos || sp + 4 > status_line.size()) return ParseState::kBad;
  int status = 0;
  auto [p, ec] = std::from_chars(status_line.data() + sp + 1, status_line.data() + sp + 4, status);
  if (ec != std::errc() || p != status_line.data() + sp + 4) return ParseState::kBad;
  bool http10 = status_line.substr(0, 8) == "HTTP/1.0";

  std::optional<size_t> content_length;
  bool chunked = false;
  bool close = http10;
  size_t pos = line_end + 2;
  while (pos < head.size()) {
    size_t eol = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, eol - pos);
    pos = eol + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = TrimView(line.substr(0, colon));
    std::string_view value = TrimView(line.substr(colon + 1));
    if (IEquals(name, "content-length")) {
      size_t len = 0;
      auto [q, e] = std::from_chars(value.data(), value.data() + value.size(), len);
      if (e != std::errc() || q != value.data() + value.size()) return ParseState::kBad;
      content_length = len;
    } else if (IEquals(name, "transfer-encoding")) {
      chunked = value.size() >= 7 && IEquals(value.substr(value.size() - 7), "chunked");
    } else if (IEquals(name, "connection")) {
      if (IEquals(value, "close")) close = true;
      if (IEquals(value, "keep-alive")) close = false;
    }
  }

  size_t body_start = header_end + 4;
  out.status = status;
  out.close = close;
  if (head_request || status == 204 || status == 304 || (status >= 100 && status < 200)) {
    out.consumed = body_start;
    out.body = {};
    return ParseState::kDone;
  }
  if (chunked) {
    size_t end = 0;
    ParseState s = ParseChunked(buf, body_start, end);
    if (s != ParseState::kDone) return s;
    out.consumed = end;
    out.body = buf.substr(body_start, end - body_start);  // still chunk-framed; only used for messages
    return ParseState::kDone;
  }
  if (!content_length) return ParseState::kBad;  // close-delimited bodies are not supported
  if (buf.size() < body_start + *content_length) return ParseState::kNeedMore;
  out.consumed = body_start + *content_length;
  out.body = buf.substr(body_start, *content_length);
  return ParseState::kDone;
}

// ---------------------------------------------------------------------------------------------
// The run: shared state for all connections on one io_context.

class Run;

class Connection {
 public:
  Connection(Run& run, asio::io_context& ioc) : run_(run), socket_(ioc) {}
  void Connect(bool first);
  void SendNext();
  void Stop() {
    boost::system::error_code ec;
    socket_.close(ec);
  }

 private:
  void Read();
  void OnData(size_t n);
  void Fail(const boost::system::error_code& ec);

  Run& run_;
  tcp::socket socket_;
  std::string out_;
  std::string in_;
  std::array<char, 64 * 1024> chunk_{};
  Clock::time_point sent_at_{};
  bool in_flight_ = false;
  int failed_connects_ = 0;
};

class Run {
 public:
  Run(Config cfg, asio::io_context& ioc, tcp::resolver::results_type endpoints)
      : cfg(std::move(cfg)), ioc_(ioc), endpoints(std::move(endpoints)), deadline_(ioc) {
    stats.latency_us.reserve(this->cfg.requests);
    std::string host_header = this->cfg.host + ":" + this->cfg.port;
    fixed_head_ = this->cfg.method + " " + this->cfg.path + " HTTP/1.1\r\nHost: " + host_header +
                  "\r\nUser-Agent: voronka-loadgen\r\nAccept: */*\r\n";
  }

  void Start() {
    int n = static_cast<int>(std::min<uint64_t>(static_cast<uint64_t>(cfg.connections), cfg.requests));
    for (int i = 0; i < n; ++i) connections_.push_back(std::make_unique<Connection>(*this, ioc_));
    pending_connects_ = n;
    deadline_.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(cfg.time_limit_s)));
    deadline_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      aborted = true;
      for (auto& c : connections_) c->Stop();
    });
    for (auto& c : connections_) c->Connect(true);
  }

  // Called once per initial connection attempt (successful or not).
  void InitialConnectDone(Connection& c, bool ok) {
    if (ok) ready_.push_back(&c);
    else ++finished_connections_;
    if (--pending_connects_ > 0) return;
    if (ready_.empty()) {
      std::cerr << "loadgen: could not connect to " << cfg.host << ":" << cfg.port << "\n";
      deadline_.cancel();
      return;
    }
    started_at = Clock::now();
    for (auto* r : ready_) r->SendNext();
    ready_.clear();
  }

  // Takes the next request number; false when all requests have been handed out.
  bool Take(uint64_t& n) {
    if (aborted || next_ >= cfg.requests) return false;
    n = cfg.first + next_++;
    return true;
  }

  void BuildRequest(uint64_t n, std::string& out) const {
    out.clear();
    out += fixed_head_;
    for (const auto& h : cfg.headers) {
      h.AppendTo(out, n);
      out += "\r\n";
    }
    if (cfg.has_body) {
      std::string body = cfg.body.Render(n);
      out += "Content-Length: ";
      out += std::to_string(body.size());
      out += "\r\n\r\n";
      out += body;
    } else {
      out += "\r\n";
    }
  }

  void Record(int status, std::string_view body, Clock::time_point sent_at) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent_at).count();
    stats.latency_us.push_back(static_cast<uint32_t>(std::min<int64_t>(us, UINT32_MAX)));
    ++stats.completed;
    if (status < 200 || status >= 300) {
      ++stats.errors;
      ++stats.error_statuses[status];
      if (stats.first_error.empty())
        stats.first_error = "HTTP " + std::to_string(status) + ": " + std::string(body.substr(0, 300));
    }
    MaybeFinish();
  }

  void RecordIoError(const std::string& what) {
    ++stats.errors;
    ++stats.io_errors;
    if (stats.first_error.empty()) stats.first_error = "connection error: " + what;
    MaybeFinish();
  }

  void NoteConnectFailure(const std::string& what) {
    if (stats.first_error.empty()) stats.first_error = "connect: " + what;
  }

  void ConnectionGone() {
    ++finished_connections_;
    if (finished_connections_ == connections_.size()) {
      finished_at = Clock::now();
      deadline_.cancel();
    }
  }

  bool head_request() const { return cfg.method == "HEAD"; }

  Config cfg;
  Stats stats;
  bool aborted = false;
  Clock::time_point started_at{}, finished_at{};
  asio::io_context& ioc_;
  tcp::resolver::results_type endpoints;

 private:
  void MaybeFinish() {
    if (stats.completed + stats.io_errors >= cfg.requests && finished_at == Clock::time_point{})
      finished_at = Clock::now();
  }

  asio::steady_timer deadline_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> ready_;
  int pending_connects_ = 0;
  size_t finished_connections_ = 0;
  uint64_t next_ = 0;
  std::string fixed_head_;
};

void Connection::Connect(bool first) {
  boost::system::error_code ignored;
  socket_.close(ignored);
  in_.clear();
  asio::async_connect(socket_, run_.endpoints, [this, first](const boost::system::error_code& ec, const tcp::endpoint&) {
    if (!ec) {
      boost::system::error_code e;
      socket_.set_option(tcp::no_delay(true), e);
      failed_connects_ = 0;
    }
    if (first) return run_.InitialConnectDone(*this, !ec);
    if (ec) {
      // A reconnect failed: try twice more, then leave the remaining requests to the others.
      if (++failed_connects_ >= 3 || run_.aborted) {
        run_.NoteConnectFailure(ec.message());
        return run_.ConnectionGone();
      }
      return Connect(false);
    }
    SendNext();
  });
}

void Connection::SendNext() {
  uint64_t n = 0;
  if (!run_.Take(n)) {
    Stop();
    return run_.ConnectionGone();
  }
  run_.BuildRequest(n, out_);
  sent_at_ = Clock::now();
  in_flight_ = true;
  asio::async_write(socket_, asio::buffer(out_), [this](const boost::system::error_code& ec, size_t) {
    if (ec) return Fail(ec);
    Read();
  });
}

void Connection::Read() {
  socket_.async_read_some(asio::buffer(chunk_), [this](const boost::system::error_code& ec, size_t n) {
    if (ec) return Fail(ec);
    OnData(n);
  });
}

void Connection::OnData(size_t n) {
  in_.append(chunk_.data(), n);
  ParsedResponse res;
  switch (ParseResponse(in_, run_.head_request(), res)) {
    case ParseState::kNeedMore:
      return Read();
    case ParseState::kBad:
      in_flight_ = false;
      run_.RecordIoError("malformed HTTP response");
      return Connect(false);
    case ParseState::kDone:
      break;
  }
  in_flight_ = false;
  run_.Record(res.status, res.body, sent_at_);
  in_.erase(0, res.consumed);
  if (res.close) {
    ++run_.stats.reconnects;
    return Connect(false);
  }
  SendNext();
}

void Connection::Fail(const boost::system::error_code& ec) {
  if (run_.aborted) return run_.ConnectionGone();
  if (in_flight_) {
    in_flight_ = false;
    run_.RecordIoError(ec.message());
  }
  ++run_.stats.reconnects;
  Connect(false);
}

// ---------------------------------------------------------------------------------------------
// Server process figures from /proc.

std::optional<double> PeakRssMiB(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream in(line.substr(6));
      double kb = 0;
      in >> kb;
      return kb / 1024.0;
    }
  }
  return std::nullopt;
}

// User + system CPU time of a process, seconds.
std::optional<double> ProcessCpuSeconds(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t paren = all.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream in(all.substr(paren + 2));
  std::string field;
  // Fields after the command: state(3) ... utime(14) stime(15); we are at field 3.
  std::vector<std::string> fields;
  while (in >> field && fields.size() < 13) fields.push_back(field);
  if (fields.size() < 13) return std::nullopt;
  double ticks = std::stod(fields[11]) + std::stod(fields[12]);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

double Percentile(const std::vector<uint32_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1] / 1000.0;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Ms(double ms) { return Fixed(ms, ms < 10 ? 2 : 1) + " ms"; }

// "http://host:port/path?query" → host, port, path.
bool ParseUrl(const std::string& url, std::string& host, std::string& port, std::string& path) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return false;
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.empty()) return false;
  size_t colon = authority.rfind(':');
  if (authority.front() == '[') {  // [::1]:8080
    size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    host = authority.substr(1, close - 1);
    port = close + 1 < authority.size() && authority[close + 1] == ':' ? authority.substr(close + 2) : "80";
  } else if (colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  } else {
    host = authority;
    port = "80";
  }
  return !host.empty() && !port.empty();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"voronka_loadgen — fixed-count HTTP/1.1 load over keep-alive connections"};
  std::string url, body, body_file, token, content_type = "application/json", port_file;
  std::vector<std::string> headers;
  Config cfg;
  int pid = 0;
  app.add_option("url", url, "target, e.g. http://127.0.0.1:8080/api/ping (with --port-file the port may be omitted)")
      ->required();
  app.add_option("-n,--requests", cfg.requests, "total number of requests")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("-c,--connections", cfg.connections, "concurrent keep-alive connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("-m,--method", cfg.method, "HTTP method")->capture_default_str();
  app.add_option("-b,--body", body, "request body template; {n} = request number, {n:7} = zero-padded to 7 digits");
  app.add_option("--body-file", body_file, "read the body template from a file");
  app.add_option("-H,--header", headers, "extra header 'Name: value' (templated like the body); repeatable");
  app.add_option("--token", token, "send 'Authorization: Bearer TOKEN'");
  app.add_option("--content-type", content_type, "Content-Type for requests with a body")->capture_default_str();
  app.add_option("--first", cfg.first, "number of the first request (for {n})")->capture_default_str();
  app.add_option("--label", cfg.label, "name printed at the start of the summary line")->capture_default_str();
  app.add_option("--pid", pid, "server process id: report its peak RSS (VmHWM) and CPU use");
  app.add_option("--port-file", port_file, "read the server port from this file");
  app.add_option("--time-limit", cfg.time_limit_s, "abort after this many seconds")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (!port_file.empty()) {
    std::ifstream f(port_file);
    std::string port;
    if (!(f >> port)) {
      std::cerr << "loadgen: cannot read a port from " << port_file << "\n";
      return 2;
    }
    // http://HOST/path → http://HOST:PORT/path
    const std::string scheme = "http://";
    size_t slash = url.find('/', url.rfind(scheme, 0) == 0 ? scheme.size() : 0);
    url.insert(slash == std::string::npos ? url.size() : slash, ":" + port);
  }
  if (!ParseUrl(url, cfg.host, cfg.port, cfg.path)) {
    std::cerr << "loadgen: expected a URL like http://127.0.0.1:8080/api/ping, got '" << url << "'\n";
    return 2;
  }
  if (!body_file.empty()) {
    std::ifstream f(body_file, std::ios::binary);
    if (!f) {
      std::cerr << "loadgen: cannot read " << body_file << "\n";
      return 2;
    }
    body.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  cfg.has_body = !body.empty() || cfg.method == "POST" || cfg.method == "PUT" || cfg.method == "PATCH";
  cfg.body = Template(body);
  bool has_content_type = false;
  for (const auto& h : headers) {
    if (h.find(':') == std::string::npos) {
      std::cerr << "loadgen: header '" << h << "' is not 'Name: value'\n";
      return 2;
    }
    has_content_type = has_content_type || IEquals(TrimView(std::string_view(h).substr(0, h.find(':'))), "content-type");
    cfg.headers.emplace_back(h);
  }
  if (!token.empty()) cfg.headers.emplace_back("Authorization: Bearer " + token);
  if (cfg.has_body && !body.empty() && !has_content_type) cfg.headers.emplace_back("Content-Type: " + content_type);

  asio::io_context ioc(1);
  boost::system::error_code ec;
  tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(cfg.host, cfg.port, ec);
  if (ec) {
    std::cerr << "loadgen: cannot resolve " << cfg.host << ":" << cfg.port << ": " << ec.message() << "\n";
    return 2;
  }

  std::optional<double> server_cpu_before = pid > 0 ? ProcessCpuSeconds(pid) : std::nullopt;
  double self_cpu_before = SelfCpuSeconds();
  Run run(cfg, ioc, endpoints);
  run.Start();
  ioc.run();
  std::optional<double> server_cpu_after = pid > 0 ? ProcessCpuSeconds(pid) : std::nullopt;
  double self_cpu = SelfCpuSeconds() - self_cpu_before;

  Stats& s = run.stats;
  if (run.started_at == Clock::time_point{}) return 2;  // could not connect; already reported
  if (run.finished_at == Clock::time_point{}) run.finished_at = Clock::now();
  double seconds = std::chrono::duration<double>(run.finished_at - run.started_at).count();
  std::sort(s.latency_us.begin(), s.latency_us.end());
  uint64_t done = s.completed + s.io_errors;
  if (done < cfg.requests) {
    std::cerr << cfg.label << ": " << cfg.requests - done << " requests were never answered\n";
    s.errors += cfg.requests - done;
  }
  double rate = seconds > 0 ? static_cast<double>(s.completed) / seconds : 0;

  std::ostringstream line;
  line << cfg.label << ": " << done << " requests, " << s.errors << " errors, " << Fixed(rate, 0) << " req/s, p50 "
       << Ms(Percentile(s.latency_us, 0.50)) << ", p95 " << Ms(Percentile(s.latency_us, 0.95)) << ", p99 "
       << Ms(Percentile(s.latency_us, 0.99)) << ", max " << Ms(s.latency_us.empty() ? 0 : s.latency_us.back() / 1000.0);
  if (pid > 0) {
    if (auto rss = PeakRssMiB(pid)) line << ", server peak RSS " << Fixed(*rss, 1) << " MiB";
    if (server_cpu_before && server_cpu_after && seconds > 0)
      line << ", server CPU " << Fixed((*server_cpu_after - *server_cpu_before) / seconds, 2) << " cores";
  }
  if (seconds > 0) line << ", loadgen CPU " << Fixed(self_cpu / seconds, 2) << " cores";
  line << " (" << cfg.connections << " connections, " << Fixed(seconds, 2) << " s)";
  std::cout << line.str() << std::endl;

  if (s.errors > 0) {
    std::cerr << cfg.label << ": errors by status:";
    for (auto& [status, count] : s.error_statuses) std::cerr << " " << status << "×" << count;
    if (s.io_errors) std::cerr << " connection×" << s.io_errors;
    std::cerr << "\n" << cfg.label << ": first error: " << s.first_error << "\n";
  }
  if (s.reconnects > 0) std::cerr << cfg.label << ": " << s.reconnects << " reconnects\n";
  if (run.aborted) {
    std::cerr << cfg.label << ": aborted after the time limit of " << cfg.time_limit_s << " s with " << done << " of "
              << cfg.requests << " requests done\n";
    return 3;
  }
  return s.errors > 0 ? 1 : 0;
}
