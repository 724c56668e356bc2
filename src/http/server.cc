#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>
#include <vector>

namespace voronka::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

Request ToRequest(bhttp::request<bhttp::string_body>&& req, const std::string& remote) {
  Request r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  std::string_view target(req.target().data(), req.target().size());
  size_t q = target.find('?');
  r.path = PercentDecode(target.substr(0, q), false);
  if (q != std::string_view::npos) r.query = ParseQuery(target.substr(q + 1));
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(field.value());
  }
  r.body = std::move(req.body());
  r.remote = remote;
  return r;
}

bhttp::response<bhttp::string_body> ToBeast(Response&& res, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
  out.set(bhttp::field::server, "voronka");
  out.set(bhttp::field::content_type, res.content_type);
  for (auto& [k, v] : res.headers) out.insert(k, v);
  out.keep_alive(keep_alive);
  out.body() = std::move(res.body);
  out.prepare_payload();
  return out;
}

struct Shared {
  Server::Handler handler;
  ServerOptions options;
  asio::thread_pool workers;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  Shared(Server::Handler h, ServerOptions o)
      : handler(std::move(h)), options(std::move(o)), workers(static_cast<size_t>(std::max(1, options.worker_threads))) {}
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(shared_->options.body_limit);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(60));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      return Close();
    }
    if (ec == bhttp::error::body_limit) {
      Error err{Code::kTooLarge,
                "request body is larger than the limit of " + std::to_string(shared_->options.body_limit) + " bytes",
                "", nullptr};
      return Write(Response::FromError(err), 11, false);
    }
    if (ec) {
      Error err = Error::Invalid("", std::string("malformed HTTP request: ") + ec.message());
      return Write(Response::FromError(err), 11, false);
    }
    auto req = parser_->release();
    unsigned version = req.version();
    bool keep_alive = req.keep_alive() && !shared_->stopping.load();
    ++shared_->in_flight;
    asio::post(shared_->workers, [self = shared_from_this(), req = std::move(req), version, keep_alive]() mutable {
      Response res;
      try {
        res = self->shared_->handler(ToRequest(std::move(req), self->remote_));
      } catch (const std::exception& e) {
        spdlog::error("unhandled error in request handler: {}", e.what());
        res = Response::FromError(Error{Code::kInternal, "internal error", "", nullptr});
      }
      asio::post(self->stream_.get_executor(), [self, res = std::move(res), version, keep_alive]() mutable {
        if (res.stream) {
          self->StartStream(std::move(res));  // a stream does not hold up shutdown: it ends then
          --self->shared_->in_flight;
        } else {
          self->Write(std::move(res), version, keep_alive, true);
        }
      });
    });
  }

  // counted: the answer to a request in shared_->in_flight, which ends once it is written (so a
  // graceful stop waits until the client has its answer, not only until the handler returned).
  void Write(Response&& res, unsigned version, bool keep_alive, bool counted = false) {
    keep_alive = keep_alive && !shared_->stopping.load();
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>(ToBeast(std::move(res), version, keep_alive));
    bhttp::async_write(stream_, *msg, [self = shared_from_this(), msg, keep_alive, counted](beast::error_code ec, size_t) {
      if (counted) --self->shared_->in_flight;
      if (ec || !keep_alive) return self->Close();
      self->Read();
    });
  }

  // An event stream: headers, then whatever the source yields, polled once a second on a
  // worker; the body ends when the connection closes (no Content-Length).
  void StartStream(Response&& res) {
    source_ = std::move(res.stream);
    std::string head = "HTTP/1.1 200 OK\r\nServer: voronka\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                       "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n";
    for (auto& [k, v] : res.headers)
      if (k != "Cache-Control") head += k + ": " + v + "\r\n";
    head += "\r\n";
    stream_.expires_never();
    WriteChunk(std::make_shared<std::string>(std::move(head)));
  }

  void WriteChunk(std::shared_ptr<std::string> data) {
    asio::async_write(stream_.socket(), asio::buffer(*data), [self = shared_from_this(), data](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->ScheduleStreamPoll();
    });
  }

  void ScheduleStreamPoll() {
    if (shared_->stopping.load()) return Close();
    if (!poll_timer_) poll_timer_.emplace(stream_.get_executor());
    poll_timer_->expires_after(std::chrono::seconds(1));
    poll_timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Close();
      asio::post(self->shared_->workers, [self] {
        std::optional<std::string> chunk;
        try {
          chunk = self->source_();
        } catch (const std::exception& e) {
          spdlog::warn("event stream ended: {}", e.what());
        }
        asio::post(self->stream_.get_executor(), [self, chunk = std::move(chunk)]() mutable {
          if (!chunk) return self->Close();
          if (chunk->empty()) return self->ScheduleStreamPoll();
          self->WriteChunk(std::make_shared<std::string>(std::move(*chunk)));
        });
      });
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<Shared> shared_;
  std::string remote_;
  std::function<std::optional<std::string>()> source_;
  std::optional<asio::steady_timer> poll_timer_;
};

}  // namespace

struct Server::Impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::shared_ptr<Shared> shared;
  uint16_t port = 0;
  int io_threads = 1;

  std::optional<asio::steady_timer> drain_timer;
  std::chrono::steady_clock::time_point drain_deadline;

  // Polls until in-flight requests are answered (or the deadline passed), then stops the loop.
  void Drain() {
    if (shared->in_flight.load() == 0 || std::chrono::steady_clock::now() > drain_deadline) {
      ioc.stop();
      return;
    }
    if (!drain_timer) drain_timer.emplace(ioc);
    drain_timer->expires_after(std::chrono::milliseconds(20));
    drain_timer->async_wait([this](beast::error_code) { Drain(); });
  }

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
        spdlog::warn("accept failed: {}", ec.message());
      } else {
        std::make_shared<Session>(std::move(socket), shared)->Start();
      }
      Accept();
    });
  }
};

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->io_threads = std::max(1, options.io_threads);
  beast::error_code ec;
  auto addr = asio::ip::make_address(options.address, ec);
  if (ec) throw std::runtime_error("invalid listen address '" + options.address + "': " + ec.message());
  tcp::endpoint ep{addr, options.port};
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " +
                             ec.message());
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->shared = std::make_shared<Shared>(std::move(handler), std::move(options));
}

Server::~Server() = default;

uint16_t Server::port() const { return impl_->port; }

void Server::Run() {
  impl_->Accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->io_threads; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
  impl_->shared->workers.join();
}

void Server::Stop() {
  asio::post(impl_->ioc, [this] {
    impl_->shared->stopping = true;
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(impl_->shared->options.drain_timeout_s);
    impl_->Drain();
  });
}

}  // namespace voronka::http
