#include "harness/server/http_server.h"

#include <atomic>
#include <chrono>
#include <ctime>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "engine/engine.h"
#include "engine/serve/scheduler.h"
#include "harness/server/api_request.h"
#include "harness/server/api_response.h"
#include "harness/server/metrics.h"

namespace gauntlet::harness {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using json = nlohmann::json;

namespace {

constexpr std::size_t kBodyLimit = 8 * 1024 * 1024;
constexpr std::size_t kHeaderLimit = 64 * 1024;

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
  }
  return "Unknown";
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

class Session;

struct HttpServer::State {
  engine::Engine& engine;
  engine::Scheduler& scheduler;
  HttpServerOptions options;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<std::uint64_t> next_id{1};
  ThroughputMeter meter;
  std::mutex sessions_mutex;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;
  bool stopped = false;

  State(engine::Engine& e, engine::Scheduler& s, const HttpServerOptions& o) : engine(e), scheduler(s), options(o) {}
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServer::State> state)
      : stream_(std::move(socket)), state_(std::move(state)) {}

  void start() {
    {
      std::lock_guard lock(state_->sessions_mutex);
      if (state_->sessions.size() > 1024)
        for (auto it = state_->sessions.begin(); it != state_->sessions.end();)
          it = it->expired() ? state_->sessions.erase(it) : std::next(it);
      state_->sessions.insert(weak_from_this());
    }
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
  }

  void close() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->shutdown(); });
  }

 private:
  void do_read() {
    if (closed_) return;
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    parser_->header_limit(static_cast<std::uint32_t>(kHeaderLimit));
    stream_.expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(state_->options.header_timeout_s * 1000)));
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      return respond_error(ApiError(413, "the request body is over 8 MiB", "body"));
    }
    if (ec) return shutdown();  // closed, timed out (slow client) or malformed
    stream_.expires_never();
    const auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    std::string_view target(req.target().data(), req.target().size());
    if (const auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    const auto method = req.method();
    const bool get = method == http::verb::get;
    const bool post = method == http::verb::post;
    if (target == "/v1/chat/completions" || target == "/v1/completions") {
      if (!post) return respond_error(ApiError(405, "use POST", "method"));
      return completion(target == "/v1/chat/completions" ? ApiEndpoint::kChat : ApiEndpoint::kCompletions);
    }
    if (target == "/health" && get) return respond(200, dump({{"status", "ok"}}), "application/json");
    if (target == "/v1/models" && get)
      return respond(200,
                     dump({{"object", "list"},
                           {"data", json::array({{{"id", state_->options.model_name},
                                                  {"object", "model"},
                                                  {"created", 0},
                                                  {"owned_by", "gauntlet"},
                                                  {"max_model_len", state_->engine.config().max_position_embeddings}}})}}),
                     "application/json");
    if (target == "/metrics" && get)
      return respond(200, prometheus_metrics(state_->scheduler.stats(), state_->meter), "text/plain; version=0.0.4");
    return respond_error(ApiError(404, fmt::format("no route {} {}", std::string(req.method_string()), std::string(target)),
                                  "path", "not_found_error"));
  }

  void completion(ApiEndpoint endpoint) {
    auto req = std::make_shared<ApiRequest>();
    try {
      *req = parse_api_request(parser_->get().body(), endpoint, state_->engine);
    } catch (const ApiError& e) {
      return respond_error(e);
    } catch (const std::exception& e) {  // a bug, not the client's fault; still never the process's end
      return respond_error(ApiError(500, std::string("internal error reading the request: ") + e.what(), "",
                                    "internal_server_error"));
    }
    auto ids = std::make_shared<ResponseIds>();
    ids->id = fmt::format("{}-{}", endpoint == ApiEndpoint::kChat ? "chatcmpl" : "cmpl", state_->next_id++);
    ids->model = req->model.empty() ? state_->options.model_name : req->model;
    ids->created = static_cast<std::int64_t>(std::time(nullptr));
    auto self = shared_from_this();
    engine::ServeCallbacks callbacks;
    if (req->stream) {
      // Built on the scheduler's thread; the splitter is only touched there.
      auto splitter = std::make_shared<std::optional<StreamSplitter>>();
      callbacks.on_token = [self, req, ids, splitter](int index, const engine::SampledToken& token, std::string_view text) {
        if (!*splitter) {
          std::vector<int> prompt = req->serve.generation.prompt_ids.empty()
                                        ? self->state_->engine.tokenizer().encode(req->serve.generation.prompt)
                                        : req->serve.generation.prompt_ids;
          splitter->emplace(self->state_->engine, prompt, req->serve.n);
        }
        std::string event = sse_event((*splitter)->chunk(*req, *ids, index, token, text));
        net::post(self->stream_.get_executor(), [self, event = std::move(event)]() mutable { self->queue(std::move(event)); });
      };
      callbacks.on_done = [self, req, ids, splitter](engine::ServeOutcome outcome) {
        std::string tail;
        if (!outcome.error.empty()) {
          tail = sse_event(api_error_json(ApiError(500, outcome.error, "", "server_error")));
        } else if (outcome.cancelled) {
          tail = sse_event(api_error_json(ApiError(503, "the request was cancelled", "", "server_error")));
        } else {
          if (!*splitter) splitter->emplace(self->state_->engine, outcome.results[0].prompt_ids, req->serve.n);
          for (const auto& event : (*splitter)->finish(*req, *ids, outcome.results, self->state_->engine))
            tail += sse_event(event);
        }
        tail += sse_done();
        net::post(self->stream_.get_executor(), [self, tail = std::move(tail)]() mutable {
          self->request_.reset();
          self->close_after_write_ = true;
          self->queue(std::move(tail));
        });
      };
    } else {
      callbacks.on_done = [self, req, ids](engine::ServeOutcome outcome) {
        int status = 200;
        std::string body;
        if (!outcome.error.empty()) {
          status = 500;
          body = dump(api_error_json(ApiError(500, outcome.error, "", "server_error")));
        } else if (outcome.cancelled) {
          status = 503;
          body = dump(api_error_json(ApiError(503, "the request was cancelled", "", "server_error")));
        } else {
          body = dump(api_response(*req, outcome.results, self->state_->engine, *ids));
        }
        net::post(self->stream_.get_executor(), [self, status, body = std::move(body)]() mutable {
          self->request_.reset();
          self->respond(status, std::move(body), "application/json");
        });
      };
    }
    if (callbacks.on_done) {
      auto on_done = callbacks.on_done;
      auto meter = &state_->meter;
      callbacks.on_done = [on_done, meter](engine::ServeOutcome outcome) {
        std::int64_t tokens = 0;
        for (const auto& r : outcome.results) tokens += static_cast<std::int64_t>(r.tokens.size());
        meter->add(tokens);
        on_done(std::move(outcome));
      };
    }
    try {
      request_ = state_->scheduler.submit(req->serve, std::move(callbacks));
    } catch (const engine::SchedulerFullError& e) {
      return respond_error(ApiError(429, e.what(), "", "rate_limit_error"), "Retry-After: 1\r\n");
    } catch (const engine::RoutingError& e) {
      return respond_error(ApiError(400, std::string("routing: ") + e.what(), "routing"));
    } catch (const std::invalid_argument& e) {
      return respond_error(ApiError(400, e.what(), endpoint == ApiEndpoint::kChat ? "messages" : "prompt"));
    }
    if (req->stream) {
      streaming_ = true;
      queue(fmt::format("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                        "Connection: close\r\n\r\n"));
    }
    watch_disconnect();
  }

  // While a request runs, a readable socket with nothing to read is a closed connection: cancel.
  void watch_disconnect() {
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      if (ec || !self->request_) return;
      beast::error_code aec;
      if (self->stream_.socket().available(aec) == 0 || aec) {
        self->state_->scheduler.cancel(*self->request_);
        self->request_.reset();
        self->shutdown();
      }
    });
  }

  void respond_error(const ApiError& e, const std::string& extra_headers = {}) {
    respond(e.status, dump(api_error_json(e)), "application/json", extra_headers);
  }

  void respond(int status, std::string body, const std::string& content_type, const std::string& extra_headers = {}) {
    if (status >= 400 && status != 404 && status != 429) keep_alive_ = keep_alive_ && status < 500;
    std::string head = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}Connection: {}\r\n\r\n",
                                   status, reason(status), content_type, body.size(), extra_headers,
                                   keep_alive_ ? "keep-alive" : "close");
    read_after_write_ = keep_alive_;
    close_after_write_ = !keep_alive_;
    queue(head + body);
  }

  void queue(std::string data) {
    if (closed_) return;
    out_.push_back(std::move(data));
    if (!writing_) write_next();
  }

  void write_next() {
    if (out_.empty()) {
      writing_ = false;
      if (close_after_write_) return shutdown();
      if (read_after_write_ && !request_) {
        read_after_write_ = false;
        do_read();
      }
      return;
    }
    writing_ = true;
    net::async_write(stream_, net::buffer(out_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (self->closed_) return;  // shut down while this write was in flight: out_ is gone
      if (ec) {
        if (self->request_) self->state_->scheduler.cancel(*self->request_);
        self->request_.reset();
        return self->shutdown();
      }
      self->out_.pop_front();
      self->write_next();
    });
  }

  void shutdown() {
    if (closed_) return;
    closed_ = true;
    if (!writing_) out_.clear();  // an in-flight write still points into out_.front()
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<HttpServer::State> state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<engine::Scheduler::RequestId> request_;
  bool keep_alive_ = true;
  bool streaming_ = false;
  bool writing_ = false;
  bool read_after_write_ = false;
  bool close_after_write_ = false;
  bool closed_ = false;
  std::deque<std::string> out_;
};

namespace {

void do_accept(const std::shared_ptr<HttpServer::State>& state) {
  state->acceptor.async_accept(net::make_strand(state->ioc), [state](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !state->acceptor.is_open()) return;
    } else {
      std::make_shared<Session>(std::move(socket), state)->start();
    }
    do_accept(state);
  });
}

}  // namespace

HttpServer::HttpServer(engine::Engine& engine, engine::Scheduler& scheduler, const HttpServerOptions& options)
    : state_(std::make_shared<State>(engine, scheduler, options)) {
  beast::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (ec) throw std::runtime_error(fmt::format("--host {}: not an IP address", options.host));
  tcp::endpoint endpoint(address, options.port);
  state_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) state_->acceptor.bind(endpoint, ec);
  if (!ec) state_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", options.host, options.port, ec.message()));
  state_->guard.emplace(net::make_work_guard(state_->ioc));
  do_accept(state_);
  for (int i = 0; i < std::max(1, options.io_threads); ++i) state_->threads.emplace_back([s = state_] { s->ioc.run(); });
}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const { return state_->acceptor.local_endpoint().port(); }

void HttpServer::stop_accepting() {
  net::post(state_->ioc, [s = state_] {
    beast::error_code ec;
    s->acceptor.close(ec);
  });
}

void HttpServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  stop_accepting();
  {
    std::lock_guard lock(state_->sessions_mutex);
    for (const auto& w : state_->sessions)
      if (auto s = w.lock()) s->close();
    state_->sessions.clear();
  }
  state_->guard.reset();
  state_->ioc.stop();
  for (auto& t : state_->threads) t.join();
  state_->threads.clear();
  // Handlers still queued hold the state, and the state holds the io_context that holds them (a
  // cycle that leaked every session): run the closes and let the aborted operations complete, so
  // they let go. Bounded, in case a connection accepted at the last moment waits on its client.
  state_->ioc.restart();
  state_->ioc.run_for(std::chrono::seconds(2));
}

}  // namespace gauntlet::harness
