#pragma once
// The HTTP/1.1 server (Boost.Beast). The only translation unit that includes Beast.
// Connections are read on io threads; each request is handed to a worker pool so that
// blocking work (database, password hashing) never stalls the io threads.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.h"

namespace voronka::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 = any free port
  int io_threads = 1;
  int worker_threads = 8;
  size_t body_limit = 1 << 20;  // bytes; larger bodies get 413
  int drain_timeout_s = 30;     // Stop() waits this long at most for in-flight requests
};

class Server {
 public:
  using Handler = std::function<Response(const Request&)>;

  // Binds and listens; throws std::runtime_error with the reason when it cannot.
  Server(ServerOptions options, Handler handler);
  ~Server();

  uint16_t port() const;
  // Serves until Stop(); returns after in-flight requests have been answered.
  void Run();
  // Graceful stop, safe to call from any thread: stops accepting connections at once (new
  // ones are refused), lets every request already read run to completion and its answer be
  // written (with Connection: close), up to drain_timeout_s, ends event streams, then makes
  // Run() return. Idle keep-alive connections are closed.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace voronka::http
