#pragma once
// HttpServer: `gauntlet serve`'s OpenAI-compatible HTTP/1.1 front end (Boost.Asio/Beast inside the
// .cpp) over an engine Scheduler:
//   POST /v1/chat/completions, POST /v1/completions   (SSE with "stream": true)
//   GET /v1/models, GET /health, GET /metrics (Prometheus text)
// Bad requests get a 400 JSON error naming the field; a full queue a 429 with Retry-After; an
// unknown path a 404; a body over 8 MiB a 413. A client that disconnects cancels its request (its
// KV blocks are freed at the scheduler's next step). Slow clients cannot hold a worker: headers
// and bodies must arrive within header_timeout_s, which also closes idle keep-alive connections.
#include <cstdint>
#include <memory>
#include <string>

namespace gauntlet::engine {
class Engine;
class Scheduler;
}  // namespace gauntlet::engine

namespace gauntlet::harness {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;        // 0: an ephemeral port (read it back with port())
  std::string model_name;           // the id /v1/models lists and responses carry
  int io_threads = 1;
  // A request (headers and body) must arrive within this, counted from the end of the previous
  // response on a keep-alive connection: slow and idle clients are closed.
  double header_timeout_s = 30;
};

class HttpServer {
 public:
  // Binds and starts serving on its own threads; throws std::runtime_error when it cannot bind.
  HttpServer(engine::Engine& engine, engine::Scheduler& scheduler, const HttpServerOptions& options);
  // stop() if not yet stopped.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const;
  // Stops accepting new connections (in-flight requests go on).
  void stop_accepting();
  // Closes every connection and joins the threads. Call after the scheduler has finished or
  // cancelled its work.
  void stop();

  struct State;  // internal (http_server.cpp)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace gauntlet::harness
