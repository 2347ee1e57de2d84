#include "engine/serve/scheduler.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <sstream>

#include "engine/generation.h"
#include "engine/request_error.h"
#include "engine/serve/paged_sequence.h"

namespace gauntlet::engine {

namespace {

using Clock = std::chrono::steady_clock;

std::size_t sz(std::int64_t n) { return static_cast<std::size_t>(n); }

int pool_blocks(const ModelConfig& config, const SchedulerOptions& o) {
  if (o.block_size <= 0) throw std::invalid_argument("Scheduler: block_size must be positive");
  if (o.prefill_chunk <= 0 || o.prefill_chunk % o.block_size != 0)
    throw std::invalid_argument("Scheduler: prefill_chunk must be a positive multiple of block_size");
  if (o.max_batch <= 0) throw std::invalid_argument("Scheduler: max_batch must be positive");
  if (o.kv_blocks > 0) return o.kv_blocks;
  const std::size_t blocks = o.kv_memory_mb * 1024 * 1024 / BlockPool::block_bytes(config, o.block_size);
  if (blocks == 0) throw std::invalid_argument("Scheduler: kv_memory_mb holds no KV block");
  return static_cast<int>(std::min<std::size_t>(blocks, 1 << 30));
}

// Points the Forward at a plan and trace for one prefill chunk; restores the defaults after.
class Hooks {
 public:
  Hooks(Forward& f, const RoutingPlan* plan, std::vector<PositionRoutes>* trace) : f_(f) {
    f_.set_routing(plan);
    f_.set_trace(trace);
  }
  ~Hooks() {
    f_.set_routing(nullptr);
    f_.set_trace(nullptr);
  }
  Hooks(const Hooks&) = delete;
  Hooks& operator=(const Hooks&) = delete;

 private:
  Forward& f_;
};

}  // namespace

struct Scheduler::Sequence {
  int index = 0;
  std::unique_ptr<PagedSequence> kv;
  std::optional<Sampler> sampler;
  std::unique_ptr<GenerationState> state;
  std::vector<PositionRoutes> trace;  // decode positions
  std::size_t streamed = 0;           // bytes of text passed to on_token
  bool done = false;
  Clock::time_point start;
};

struct Scheduler::Held {
  std::unique_ptr<PagedSequence> kv;  // null while a segment runs (the group has it) or when nothing was prefilled
  std::vector<int> ids;               // every token of the turn: prompt, committed samples, appended ids
  int kv_rows = 0;                    // leading rows of kv that hold ids (fewer than kv's size after rewind())
  int reserved = 0;                   // blocks counted in reserved_ for it between segments
  bool running = false;               // a segment runs on it
};

struct Scheduler::Group {
  RequestId id = 0;
  ServeRequest request;
  ServeCallbacks callbacks;
  std::vector<int> prompt;             // resumed: every id of the turn
  ContinuationId handle = 0;           // resumed: the held sequence it continues
  int carried = 0;                     // resumed: blocks still reserved for the held sequence
  int kv_rows = 0;                     // resumed: rows of prompt_kv that still hold the turn's ids
  bool admitted = false;
  std::optional<SampledToken> held_token;
  std::optional<RoutingPlan> own_plan;
  const RoutingPlan* plan = nullptr;
  std::uint64_t salt = 0;
  int need = 0;                        // blocks reserved
  std::size_t longest_stop = 0;
  bool cancelled = false;
  bool finished = false;
  std::unique_ptr<PagedSequence> keep;  // hold: the finished sequence
  // Prefill.
  std::unique_ptr<PagedSequence> prompt_kv;
  int prefilled = 0;
  int computed = 0;                    // prompt tokens actually run (not found in the prefix cache)
  std::vector<std::uint64_t> hashes;   // chain hash of each full prompt block
  std::vector<PositionRoutes> prompt_trace;
  double prefill_seconds = 0;
  // Decode.
  std::vector<GenerationResult> results;
  std::vector<Sequence> seqs;
  bool decoding() const { return !seqs.empty(); }
};

Scheduler::Scheduler(Engine& engine, const SchedulerOptions& options)
    : engine_(engine),
      options_(options),
      pool_(engine.config(), pool_blocks(engine.config(), options), options.block_size),
      choose_from_(engine.tokenizer().vocab_size()) {
  stats_.kv_blocks_total = pool_.num_blocks();
  worker_ = std::thread([this] { run(); });
}

Scheduler::~Scheduler() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
  held_.clear();  // their blocks go back to the pool (destroyed after this)
}

std::uint64_t Scheduler::routing_salt(const RoutingControls& c) const {
  std::ostringstream out;
  out.precision(17);
  out << c.top_k << '|' << c.top_p << '|' << c.min_experts << '|' << c.max_experts << '|' << c.raw_weights << '|'
      << c.rice_beta << '|' << static_cast<int>(c.rice_mode) << '|' << c.rice_renormalize << '|'
      << static_cast<int>(c.mask_mode) << '|';
  for (const auto& e : c.rice) out << 'r' << e.layer << ':' << e.expert << ',';
  for (const auto& e : c.mask) out << 'm' << e.layer << ':' << e.expert << ',';
  const std::string s = out.str();
  std::vector<int> bytes(s.begin(), s.end());
  return BlockPool::chain_hash(0, 0, bytes);
}

Scheduler::RequestId Scheduler::submit(ServeRequest request, ServeCallbacks callbacks) {
  auto g = std::make_unique<Group>();
  const GenerationRequest& r = request.generation;
  if (request.n < 1) throw std::invalid_argument("n must be at least 1");
  if (request.hold && request.n != 1) throw std::invalid_argument("a held request takes n = 1");
  if (!request.hold && !request.hold_before_ids.empty())
    throw std::invalid_argument("hold_before_ids needs hold");
  if (request.n > options_.max_batch)
    throw std::invalid_argument("n = " + std::to_string(request.n) + " exceeds the batch size " +
                                std::to_string(options_.max_batch));
  g->prompt = r.prompt_ids.empty() ? engine_.tokenizer().encode(r.prompt) : r.prompt_ids;
  check_request(g->prompt, r.max_tokens, engine_.config());  // RequestError / ContextOverflow
  const int len = static_cast<int>(g->prompt.size());
  const int max_context = engine_.config().max_position_embeddings;
  const int bs = options_.block_size;
  const std::int64_t total = std::int64_t{len} + r.max_tokens;
  const std::int64_t capped = max_context > 0 ? std::min<std::int64_t>(total, max_context) : total;
  const std::int64_t per_sample = (capped - len + bs - 1) / bs + 1;  // its own tokens and a copied block
  const std::int64_t need = (len + bs - 1) / bs + std::int64_t{request.n} * per_sample;
  if (need > pool_.num_blocks())
    throw std::invalid_argument("the prompt (" + std::to_string(len) + " tokens) and max_tokens (" +
                                std::to_string(r.max_tokens) + ") × n need " + std::to_string(need) +
                                " KV blocks; the cache holds " + std::to_string(pool_.num_blocks()));
  g->need = static_cast<int>(need);
  prepare(*g, r);
  g->request = std::move(request);
  g->callbacks = std::move(callbacks);

  RequestId id;
  {
    std::lock_guard lock(mutex_);
    check_room_locked();
    id = enqueue_locked(std::move(g));
  }
  wake_.notify_all();
  return id;
}

void Scheduler::prepare(Group& g, const GenerationRequest& r) const {
  const RoutingControls& controls = r.routing ? *r.routing : engine_.default_routing_controls();
  if (r.routing) g.own_plan.emplace(*r.routing, engine_.config());  // throws RoutingError
  g.plan = g.own_plan ? &*g.own_plan : &engine_.default_routing_plan();
  g.salt = routing_salt(controls);
  for (const auto& s : r.stop_strings) g.longest_stop = std::max(g.longest_stop, s.size());
}

void Scheduler::check_room_locked() const {
  if (stopping_) throw SchedulerFullError("the scheduler is shutting down");
  if (static_cast<int>(incoming_.size()) + stats_.waiting >= options_.max_waiting)
    throw SchedulerFullError("the scheduler's queue is full (" + std::to_string(options_.max_waiting) +
                             " requests waiting)");
}

Scheduler::RequestId Scheduler::enqueue_locked(std::unique_ptr<Group> g) {
  const RequestId id = next_id_++;
  g->id = id;
  incoming_.push_back(std::move(g));
  ++pending_;
  return id;
}

Scheduler::RequestId Scheduler::resume(ContinuationId handle, std::vector<int> appended_ids, ServeRequest next,
                                       ServeCallbacks callbacks) {
  auto g = std::make_unique<Group>();
  const GenerationRequest& r = next.generation;
  if (next.n != 1) throw std::invalid_argument("a continuation takes n = 1");
  if (!next.hold && !next.hold_before_ids.empty()) throw std::invalid_argument("hold_before_ids needs hold");
  if (r.max_tokens < 1) throw std::invalid_argument("a continuation's max_tokens must be at least 1");
  for (int id : appended_ids)  // the whole turn is checked below; this names the appended id
    if (id < 0 || id >= engine_.config().vocab_size)
      throw RequestError("appended token id " + std::to_string(id) + " is outside the vocabulary");
  prepare(*g, r);
  const int bs = options_.block_size;
  const int max_context = engine_.config().max_position_embeddings;
  RequestId id;
  {
    std::lock_guard lock(mutex_);
    check_room_locked();
    auto it = held_.find(handle);
    if (it == held_.end()) throw std::invalid_argument("continuation " + std::to_string(handle) + " is not held (unknown or released)");
    Held& h = *it->second;
    if (h.running) throw std::invalid_argument("continuation " + std::to_string(handle) + " is still running a segment");
    if (appended_ids.empty() && h.kv && h.kv_rows >= static_cast<int>(h.ids.size()))
      throw std::invalid_argument("continuation " + std::to_string(handle) +
                                  " ended on a held token, its KV holds every id: append at least one id");
    g->prompt = h.ids;
    g->prompt.insert(g->prompt.end(), appended_ids.begin(), appended_ids.end());
    check_request(g->prompt, r.max_tokens, engine_.config());  // RequestError / ContextOverflow
    const int len = static_cast<int>(g->prompt.size());
    const std::int64_t total = std::int64_t{len} + r.max_tokens;
    const std::int64_t capped = max_context > 0 ? std::min<std::int64_t>(total, max_context) : total;
    const std::int64_t need = (capped + bs - 1) / bs + 1;  // the whole turn and a copied block
    if (need > pool_.num_blocks())
      throw std::invalid_argument("the turn (" + std::to_string(len) + " tokens) and max_tokens (" +
                                  std::to_string(r.max_tokens) + ") need " + std::to_string(need) +
                                  " KV blocks; the cache holds " + std::to_string(pool_.num_blocks()));
    g->need = static_cast<int>(need);
    g->handle = handle;
    g->carried = h.reserved;
    g->kv_rows = h.kv ? h.kv_rows : 0;
    h.reserved = 0;
    h.running = true;
    g->prompt_kv = std::move(h.kv);  // a pointer handed over; the blocks are only touched on the scheduler's thread
    g->request = std::move(next);
    g->callbacks = std::move(callbacks);
    id = enqueue_locked(std::move(g));
  }
  wake_.notify_all();
  return id;
}

void Scheduler::rewind(ContinuationId handle, int tokens) {
  std::lock_guard lock(mutex_);
  auto it = held_.find(handle);
  if (it == held_.end()) throw std::invalid_argument("continuation " + std::to_string(handle) + " is not held (unknown or released)");
  Held& h = *it->second;
  if (h.running) throw std::invalid_argument("continuation " + std::to_string(handle) + " is still running a segment");
  const int size = static_cast<int>(h.ids.size());
  if (tokens < 0 || tokens >= size)
    throw std::invalid_argument("cannot rewind " + std::to_string(tokens) + " of the " + std::to_string(size) +
                                " ids of continuation " + std::to_string(handle) + " (at least one must stay)");
  if (tokens == 0) return;
  h.ids.resize(static_cast<std::size_t>(size - tokens));
  // The last kept id is computed again: its logits choose the next token.
  h.kv_rows = std::min(h.kv_rows, size - tokens - 1);
}

void Scheduler::release(ContinuationId handle) {
  std::unique_ptr<Held> held;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(handle);
    if (it == held_.end())
      throw std::invalid_argument("continuation " + std::to_string(handle) + " is not held (unknown or released)");
    held = std::move(it->second);
    held_.erase(it);
  }
  if (held->running) return;  // the segment's group frees its sequence when it ends
  auto shared = std::make_shared<std::unique_ptr<Held>>(std::move(held));
  post([this, shared] {
    reserved_ -= (*shared)->reserved;
    shared->reset();  // the blocks go back, on the pool's thread
    publish_stats();
  });
}

void Scheduler::cancel(RequestId id) {
  {
    std::lock_guard lock(mutex_);
    cancels_.insert(id);
  }
  wake_.notify_all();
}

void Scheduler::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    ++pending_;
  }
  wake_.notify_all();
}

void Scheduler::drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return pending_ == 0; });
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Scheduler::publish_stats() {
  std::lock_guard lock(mutex_);
  stats_.waiting = static_cast<int>(std::count_if(waiting_.begin(), waiting_.end(), [](const auto& g) { return !g->finished; }));
  stats_.running_requests = static_cast<int>(std::count_if(running_.begin(), running_.end(), [](const auto& g) { return !g->finished; }));
  stats_.running_sequences = running_sequences_;
  stats_.kv_blocks_used = pool_.used_blocks();
  stats_.kv_blocks_reserved = reserved_;
  stats_.prefix_hit_blocks = pool_.prefix_hits();
  stats_.prefill_tokens = prefill_tokens_;
  stats_.generated_tokens = generated_tokens_;
  stats_.decode_steps = decode_steps_;
  stats_.requests_done = done_;
  stats_.requests_cancelled = cancelled_;
  stats_.held_sequences = static_cast<int>(held_.size());
  stats_.kv_blocks_held = 0;
  for (const auto& [handle, h] : held_)
    if (h->kv) stats_.kv_blocks_held += static_cast<int>(h->kv->blocks().size());
}

void Scheduler::run() {
  for (;;) {
    bool stopping;
    std::set<RequestId> cancels;
    std::deque<std::function<void()>> tasks;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] {
        return stopping_ || !incoming_.empty() || !cancels_.empty() || !tasks_.empty() || !running_.empty() ||
               !waiting_.empty();
      });
      tasks.swap(tasks_);
      while (!incoming_.empty()) {
        waiting_.push_back(std::move(incoming_.front()));
        incoming_.pop_front();
      }
      cancels.swap(cancels_);
      stopping = stopping_;
    }
    for (auto& task : tasks) {
      task();
      std::lock_guard lock(mutex_);
      if (--pending_ == 0) idle_.notify_all();
    }
    for (auto& g : waiting_)
      if (stopping || cancels.count(g->id)) g->cancelled = true;
    for (auto& g : running_)
      if (stopping || cancels.count(g->id)) g->cancelled = true;
    // Cancelled requests end now, waiting ones included.
    for (auto& g : waiting_)
      if (g->cancelled) finish_group(*g);
    waiting_.erase(std::remove_if(waiting_.begin(), waiting_.end(), [](const auto& g) { return g->finished; }),
                   waiting_.end());
    for (auto& g : running_)
      if (g->cancelled) finish_group(*g);
    reap();
    if (stopping && running_.empty() && waiting_.empty()) {
      publish_stats();
      std::lock_guard lock(mutex_);
      if (tasks_.empty()) return;
      continue;
    }
    admit();
    publish_stats();  // admitted requests show as running before their first token is reported
    if (!running_.empty()) step();
    reap();
    publish_stats();
  }
}

void Scheduler::admit() {
  const int bs = options_.block_size;
  const int per_chunk = options_.prefill_chunk / bs;
  while (!waiting_.empty()) {
    Group& g = *waiting_.front();
    if (running_sequences_ + g.request.n > options_.max_batch) break;
    if (reserved_ - g.carried + g.need > pool_.num_blocks()) {
      // Only held sequences can keep a request out when nothing runs; their holders may be waiting
      // for this very request, so it fails instead of waiting.
      if (!running_.empty()) break;
      finish_group(g, "the KV cache cannot hold this request (" + std::to_string(g.need) + " blocks) beside " +
                          std::to_string(reserved_) + " blocks held by continuations (" +
                          std::to_string(pool_.num_blocks()) + " in all)");
      waiting_.pop_front();
      continue;
    }
    reserved_ += g.need - g.carried;
    g.carried = 0;
    g.admitted = true;
    running_sequences_ += g.request.n;
    const int len = static_cast<int>(g.prompt.size());
    if (g.handle != 0) {  // resumed: prefill what the held KV lacks; no prefix cache (decoded positions)
      if (!g.prompt_kv) g.prompt_kv = std::make_unique<PagedSequence>(pool_);
      if (g.prompt_kv->size() > g.kv_rows) g.prompt_kv->resize(g.kv_rows);  // rewound: rows past the kept ids go
      g.prefilled = g.prompt_kv->size();
      g.results.resize(1);
      running_.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
      continue;
    }
    g.prompt_kv = std::make_unique<PagedSequence>(pool_);
    std::uint64_t h = 0;
    for (int b = 0; b < len / bs; ++b) {
      h = BlockPool::chain_hash(h, g.salt, std::span<const int>(g.prompt).subspan(sz(b * bs), sz(bs)));
      g.hashes.push_back(h);
    }
    // Whole aligned chunks from the prefix cache, always leaving the last prompt token to compute.
    if (options_.prefix_cache && !g.request.generation.trace_prompt_routing) {
      const int chunks = (len - 1) / options_.prefill_chunk;
      for (int c = 0; c < chunks; ++c) {
        std::vector<int> found;
        for (int b = c * per_chunk; b < (c + 1) * per_chunk; ++b) {
          auto block = pool_.lookup(g.hashes[sz(b)], std::span<const int>(g.prompt).subspan(sz(b * bs), sz(bs)));
          if (!block) break;
          found.push_back(*block);
        }
        if (static_cast<int>(found.size()) < per_chunk) {
          for (int b : found) pool_.release(b);
          break;
        }
        g.prompt_kv->adopt(found);
      }
      g.prefilled = g.prompt_kv->size();
    }
    g.results.resize(sz(g.request.n));
    running_.push_back(std::move(waiting_.front()));
    waiting_.pop_front();
  }
}

void Scheduler::step() {
  // Prefill: chunks of the requests still prefilling, oldest first, up to prefill_chunk prompt
  // tokens in all (at least one chunk). Each chunk is its request's own aligned chunk, run alone,
  // so which requests share a step never changes a result.
  int budget = options_.prefill_chunk;
  for (auto& g : running_) {
    if (budget <= 0) break;
    if (g->finished || g->decoding()) continue;
    if (g->request.generation.max_tokens == 0) {
      finish_group(*g);
      continue;
    }
    const int before = g->prefilled;
    try {
      prefill_chunk(*g);
    } catch (const std::exception& e) {
      finish_group(*g, e.what());
    }
    budget -= std::max(1, g->prefilled - before);
  }
  decode();
}

void Scheduler::prefill_chunk(Group& g) {
  const int len = static_cast<int>(g.prompt.size());
  const int C = options_.prefill_chunk;
  const int begin = g.prefilled;
  const int end = std::min(len, (begin / C + 1) * C);
  const auto t0 = Clock::now();
  std::vector<PositionRoutes> trace;
  std::vector<float> logits;
  {
    Hooks hooks(engine_.forward(), g.plan, g.request.generation.trace_routing ? &trace : nullptr);
    logits = engine_.forward().run(std::span<const int>(g.prompt).subspan(sz(begin), sz(end - begin)), *g.prompt_kv);
  }
  g.prefill_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
  g.prefilled = end;
  g.computed += end - begin;
  prefill_tokens_ += end - begin;
  if (g.request.generation.trace_prompt_routing)
    g.prompt_trace.insert(g.prompt_trace.end(), trace.begin(), trace.end());
  else if (!trace.empty())
    g.prompt_trace.assign(1, trace.back());
  // A full aligned chunk is what any request with this prefix computes: publish its blocks.
  if (options_.prefix_cache && end - begin == C && g.handle == 0) {
    const int bs = options_.block_size;
    for (int b = begin / bs; b < end / bs; ++b)
      pool_.publish(g.prompt_kv->blocks()[sz(b)], g.hashes[sz(b)],
                    std::span<const int>(g.prompt).subspan(sz(b * bs), sz(bs)));
  }
  if (end == len) start_samples(g, logits);
}

void Scheduler::start_samples(Group& g, const std::vector<float>& logits) {
  const GenerationRequest& r = g.request.generation;
  const int n = g.request.n;
  g.seqs.resize(sz(n));
  for (int i = n - 1; i >= 0; --i) {  // forks first, then the prompt's own sequence to sample 0
    Sequence& s = g.seqs[sz(i)];
    s.index = i;
    s.kv = i == 0 ? std::move(g.prompt_kv) : g.prompt_kv->fork();
    SamplingParams p = r.sampling;
    p.seed += static_cast<std::uint64_t>(i);
    s.sampler.emplace(p);
    s.state = std::make_unique<GenerationState>(r, g.prompt, engine_.tokenizer(), engine_.thinking_delimiters(),
                                                engine_.config(), g.results[sz(i)]);
    s.start = Clock::now();
    GenerationTiming& t = g.results[sz(i)].timing;
    if (i == 0) {
      t.prefill_tokens = g.computed;
      t.prefill_seconds = g.prefill_seconds;
    }
  }
  for (auto& s : g.seqs) advance(g, s, s.sampler->sample(logits, choose_from_));
}

namespace {

// The longest tail of `text` that is a proper prefix of a stop string: what may not be streamed yet.
std::size_t stop_prefix_tail(std::string_view text, const std::vector<std::string>& stops) {
  std::size_t longest = 0;
  for (const auto& stop : stops)
    for (std::size_t k = std::min(stop.size() - (stop.empty() ? 0 : 1), text.size()); k > longest; --k)
      if (text.compare(text.size() - k, k, stop, 0, k) == 0) {
        longest = k;
        break;
      }
  return longest;
}

}  // namespace

bool Scheduler::advance(Group& g, Sequence& s, const SampledToken& token) {
  ++generated_tokens_;
  GenerationResult& result = g.results[sz(s.index)];
  const auto& before = g.request.hold_before_ids;
  if (std::find(before.begin(), before.end(), token.id) != before.end()) {  // ends here, not committed
    g.held_token = token;
    result.finish_reason = "stop_token_held";
    s.state->finish();
    finish_sequence(g, s);
    return false;
  }
  bool over = s.state->push(token);
  const int max_context = engine_.config().max_position_embeddings;
  if (!over && max_context > 0 && s.kv->size() >= max_context) {  // no position left for another token
    result.finish_reason = "context";
    over = true;
  }
  if (over) s.state->finish();
  if (g.callbacks.on_token) {
    std::size_t ready = result.text.size();
    // Held back: only a tail that could still grow into a stop string (it would be cut from the text).
    if (!over && g.longest_stop > 0) ready -= stop_prefix_tail(result.text, g.request.generation.stop_strings);
    ready = std::max(ready, s.streamed);
    const std::string_view text(result.text.data() + s.streamed, ready - s.streamed);
    s.streamed = ready;
    g.callbacks.on_token(s.index, token, text);
  }
  if (over) finish_sequence(g, s);
  return !over;
}

void Scheduler::finish_sequence(Group& g, Sequence& s) {
  if (s.done) return;
  s.done = true;
  GenerationResult& result = g.results[sz(s.index)];
  result.timing.decode_seconds = std::chrono::duration<double>(Clock::now() - s.start).count();
  if (g.request.generation.trace_routing) {
    if (g.request.generation.trace_prompt_routing) result.prompt_routing = g.prompt_trace;
    if (!g.prompt_trace.empty()) result.routing.push_back(g.prompt_trace.back());
    result.routing.insert(result.routing.end(), s.trace.begin(), s.trace.end());
    if (result.routing.size() > result.tokens.size()) result.routing.resize(result.tokens.size());
  }
  if (g.request.hold)
    g.keep = std::move(s.kv);  // kept for the next segment
  else
    s.kv.reset();  // its blocks go back now
  s.trace.clear();
  --running_sequences_;
  if (std::all_of(g.seqs.begin(), g.seqs.end(), [](const Sequence& q) { return q.done; })) finish_group(g);
}

void Scheduler::decode() {
  struct Row {
    Group* g;
    Sequence* s;
  };
  std::vector<Row> rows;
  std::vector<Forward::DecodeSlot> slots;
  for (auto& g : running_) {
    if (g->finished || !g->decoding()) continue;
    for (auto& s : g->seqs) {
      if (s.done) continue;
      PositionRoutes* trace = nullptr;
      if (g->request.generation.trace_routing) trace = &s.trace.emplace_back();
      rows.push_back({g.get(), &s});
      slots.push_back({g->results[sz(s.index)].tokens.back().id, s.kv.get(), g->plan, trace});
    }
  }
  if (rows.empty()) return;
  std::span<const float> logits;  // the Forward's buffer, valid until its next call
  try {
    logits = engine_.forward().decode_batch(slots);
  } catch (const std::exception& e) {
    for (auto& r : rows) finish_group(*r.g, e.what());
    return;
  }
  ++decode_steps_;
  const std::size_t V = logits.size() / rows.size();
  // Sampling is a few passes over the vocabulary per row: the rows' samplers (each its own seed and
  // scratch) run on the kernel threads, then the tokens are taken in row order on this thread.
  std::vector<SampledToken> tokens(rows.size());
  engine_.pool().parallel_for(static_cast<std::int64_t>(rows.size()), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i)
      tokens[sz(i)] = rows[sz(i)].s->sampler->sample(logits.subspan(sz(i) * V, V), choose_from_);
  });
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Row& r = rows[i];
    if (r.g->finished) continue;
    ++r.g->results[sz(r.s->index)].timing.decode_tokens;
    advance(*r.g, *r.s, tokens[i]);
  }
}

void Scheduler::finish_group(Group& g, const std::string& error) {
  if (g.finished) return;
  g.finished = true;
  ServeOutcome outcome;
  outcome.cancelled = g.cancelled && error.empty();
  outcome.error = error;
  for (auto& s : g.seqs) {
    if (s.done) continue;
    s.done = true;
    g.results[sz(s.index)].finish_reason = outcome.cancelled ? "cancelled" : "error";
    s.state->finish();
    if (g.request.hold) g.keep = std::move(s.kv);
    s.kv.reset();
    --running_sequences_;
  }
  if (!g.decoding() && g.admitted) running_sequences_ -= g.request.n;
  if (!g.decoding() && g.request.hold) g.keep = std::move(g.prompt_kv);  // what the prefill got to (maybe nothing)
  g.prompt_kv.reset();
  reserved_ -= g.admitted ? g.need : g.carried;
  g.carried = 0;
  if (g.results.empty()) g.results.resize(sz(g.request.n));
  if (!g.decoding())
    for (auto& r : g.results) {
      if (r.prompt_ids.empty()) r.prompt_ids = g.prompt;
      r.finish_reason = outcome.cancelled ? "cancelled" : !error.empty() ? "error" : "length";
    }
  outcome.results = std::move(g.results);
  outcome.held_token = g.held_token;
  if (g.request.hold || g.handle != 0) keep_turn(g, outcome, std::move(g.keep));
  if (outcome.cancelled) ++cancelled_;
  ++done_;
  publish_stats();  // before drain() can return
  if (g.callbacks.on_done) g.callbacks.on_done(std::move(outcome));
  {
    std::lock_guard lock(mutex_);
    if (--pending_ == 0) idle_.notify_all();
  }
}

void Scheduler::keep_turn(Group& g, ServeOutcome& outcome, std::unique_ptr<PagedSequence> kv) {
  std::unique_ptr<Held> dropped;  // freed after the lock, on this thread
  std::lock_guard lock(mutex_);
  const bool keep = g.request.hold && outcome.error.empty() && !stopping_;
  Held* h = nullptr;
  if (g.handle != 0) {
    auto it = held_.find(g.handle);
    if (it != held_.end()) {
      if (keep) {
        h = it->second.get();
      } else {
        dropped = std::move(it->second);
        held_.erase(it);
      }
    }
    // Not found: released while its segment ran; the sequence goes.
  } else if (keep) {
    g.handle = next_handle_++;
    h = held_.emplace(g.handle, std::make_unique<Held>()).first->second.get();
  }
  if (!h) return;  // `kv` is freed on return
  h->ids = g.prompt;
  for (const auto& t : outcome.results[0].tokens) h->ids.push_back(t.id);
  h->kv = std::move(kv);
  h->kv_rows = h->kv ? h->kv->size() : 0;
  h->reserved = h->kv ? static_cast<int>(h->kv->blocks().size()) : 0;
  h->running = false;
  reserved_ += h->reserved;
  outcome.continuation = g.handle;
}

void Scheduler::reap() {
  running_.erase(std::remove_if(running_.begin(), running_.end(), [](const auto& g) { return g->finished; }),
                 running_.end());
}

}  // namespace gauntlet::engine
