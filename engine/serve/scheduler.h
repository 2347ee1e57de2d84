#pragma once
// Scheduler: continuous batching over one Engine on its own thread. Requests join the running batch
// at the next step; each step runs prefill chunks (of the oldest requests still prefilling, up to
// prefill_chunk prompt tokens in all) and then one batched decode step (Forward::decode_batch) for
// every sequence past its prefill, so a long prompt never stalls the others for more than a chunk. KV lives in a paged BlockPool: the n samples
// of a request share the prompt's blocks (prefilled once) copy-on-write, and full prompt chunks are
// published in the prefix cache for later requests with the same prefix and routing.
//
// Batch invariance: a request's tokens, logprobs and routing traces depend only on the request
// (and the engine's options), never on what else runs: decode rows use batch-invariant kernels,
// and a prompt is always prefilled in the same chunks, aligned at multiples of prefill_chunk
// counted from position 0 (a prefix-cache hit replaces whole aligned chunks by their identical
// blocks). Sample i of a request is seeded with seed + i, so it equals a request with n = 1 and
// seed + i. With prompts no longer than prefill_chunk the results are those of Engine::generate.
//
// Admission: a request enters the batch when max_batch has room for its n sequences and the KV
// pool can hold the worst case of its prompt and max_tokens (reserved, so a running sequence never
// runs out of blocks); until then it waits, first come first served. submit() refuses a request
// the pool could never hold (std::invalid_argument) and, when max_waiting requests already wait,
// throws SchedulerFullError. cancel() ends a request at the next step (finish_reason "cancelled").
// Callbacks run on the scheduler's thread; they may call submit(), resume(), release() and cancel().
//
// Continuation (a turn generated in segments, harness/clients/continuation.h): a request with
// `hold` keeps its sequence when its sample finishes, for whatever reason (max_tokens, a stop id or
// string, eos, cancel(), or a `hold_before_ids` id, which ends it before that id is committed:
// finish_reason "stop_token_held", the id in ServeOutcome::held_token, not in the tokens, text or
// KV). The outcome's `continuation` names the held sequence: its KV blocks stay allocated and
// reserved. resume() prefills only what the KV does not hold yet (the last committed token, which
// decode would have fed next, then the appended ids) and decodes the next segment with its own
// limits, stop ids and a fresh sampler seeded with its seed; it can hold again. release() frees the
// blocks. A segment's tokens equal those of a plain request whose prompt is every id of the turn
// so far (prompt, generated, appended) up to the last float bits (the generated ids went through
// decode, not prefill), so greedy tokens agree. A held sequence takes no batch slot. When nothing
// runs and the request first in line cannot be admitted beside the held sequences' blocks, it
// fails (error) rather than wait for a release that may never come. The destructor frees every
// held sequence; drain() waits only for waiting and running work, held sequences stay held.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "engine/serve/block_pool.h"
#include "engine/serve/paged_sequence.h"

namespace gauntlet::engine {

class SchedulerFullError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SchedulerOptions {
  int max_batch = 32;              // sequences in the running batch
  std::size_t kv_memory_mb = 1024; // the KV pool's size (touched only as blocks are used)
  int kv_blocks = 0;               // > 0: the pool's size in blocks instead
  int block_size = 16;             // positions per KV block
  int prefill_chunk = 512;         // prompt tokens per prefill step; a multiple of block_size
  int max_waiting = 4096;          // requests waiting for admission before submit() refuses more
  bool prefix_cache = true;
};

struct ServeRequest {
  GenerationRequest generation;
  int n = 1;                       // samples; sample i is seeded generation.sampling.seed + i
  bool hold = false;               // keep the sequence when it finishes (n must be 1)
  std::vector<int> hold_before_ids = {};  // with hold: end before committing any of these sampled ids
};

using ContinuationId = std::uint64_t;

struct ServeOutcome {
  std::vector<GenerationResult> results;  // one per sample
  bool cancelled = false;
  std::string error;               // non-empty: the request failed (results may be partial)
  ContinuationId continuation = 0; // hold: the held sequence (0 when none is held, e.g. on error)
  std::optional<SampledToken> held_token;  // finish_reason "stop_token_held": the id not committed
};

struct ServeCallbacks {
  // Optional: each sampled token of sample `sample`, with the text it makes final (held back while
  // it could still begin a stop string; the rest comes with the last token).
  std::function<void(int sample, const SampledToken& token, std::string_view text)> on_token;
  std::function<void(ServeOutcome)> on_done;  // exactly once
};

struct SchedulerStats {
  int waiting = 0;                 // requests not yet admitted
  int running_requests = 0;
  int running_sequences = 0;
  int kv_blocks_total = 0;
  int kv_blocks_used = 0;          // referenced by a sequence
  int kv_blocks_reserved = 0;      // promised to admitted requests
  std::int64_t prefix_hit_blocks = 0;
  std::int64_t prefill_tokens = 0; // prompt tokens run through the model (prefix hits and shared samples not)
  std::int64_t generated_tokens = 0;
  std::int64_t decode_steps = 0;
  std::int64_t requests_done = 0;
  std::int64_t requests_cancelled = 0;
  int held_sequences = 0;          // continuations held (between segments or running one)
  int kv_blocks_held = 0;          // blocks of the held sequences between segments
};

class Scheduler {
 public:
  using RequestId = std::uint64_t;

  Scheduler(Engine& engine, const SchedulerOptions& options = {});
  // Cancels what is still waiting or running (their callbacks run) and joins the thread.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Validates and queues; tokenizes the prompt on the calling thread.
  RequestId submit(ServeRequest request, ServeCallbacks callbacks);
  // The next segment of a held sequence: `next.generation`'s limits, sampling, stop ids and strings
  // and routing apply (its prompt fields are ignored); next.hold holds it again. Throws
  // std::invalid_argument for an unknown or released handle, one whose segment still runs, n != 1,
  // max_tokens < 1, a turn the pool could never hold, or nothing to feed (no id appended after a
  // segment that ended on a held token); RequestError / ContextOverflow as submit().
  RequestId resume(ContinuationId handle, std::vector<int> appended_ids, ServeRequest next, ServeCallbacks callbacks);
  // Drops the last `tokens` ids of a held turn (generated or appended; at least one id stays), so
  // the next resume() continues from what remains, as a plain request whose prompt is the kept ids
  // (plus the appended ones) would: the KV is rolled back to the kept ids when that segment is
  // admitted (the last kept id is computed again, so resume() may append nothing); blocks past
  // them go back, a shared block is copied before it is written. Throws std::invalid_argument for
  // an unknown, released or running handle, or tokens < 0 or >= the turn's length.
  void rewind(ContinuationId handle, int tokens);
  // Frees a held sequence (its blocks go back at the next step; a running segment ends as it would
  // and is then freed). Throws std::invalid_argument for an unknown or already released handle.
  void release(ContinuationId handle);
  void cancel(RequestId id);
  // Runs `task` on the scheduler's thread before its next step (e.g. to report a refused request
  // from the thread that reports every other outcome).
  void post(std::function<void()> task);
  // Blocks until nothing is waiting or running.
  void drain();
  SchedulerStats stats() const;
  const SchedulerOptions& options() const { return options_; }

 private:
  struct Sequence;
  struct Group;
  struct Held;

  // The routing plan, its prefix-cache salt and the longest stop string of `r` (throws RoutingError).
  void prepare(Group& g, const GenerationRequest& r) const;
  void check_room_locked() const;  // mutex_ held: throws SchedulerFullError when stopping or full
  RequestId enqueue_locked(std::unique_ptr<Group> g);  // mutex_ held
  void run();
  void admit();
  void step();
  void prefill_chunk(Group& g);
  void start_samples(Group& g, const std::vector<float>& logits);
  void decode();
  // Takes `token` (sampled from its logits) as the sequence's next; false when it is finished.
  bool advance(Group& g, Sequence& s, const SampledToken& token);
  void finish_sequence(Group& g, Sequence& s);
  void finish_group(Group& g, const std::string& error = {});
  // hold: keeps the group's sequence (or frees it when the request failed or the scheduler stops).
  void keep_turn(Group& g, ServeOutcome& outcome, std::unique_ptr<PagedSequence> kv);
  void reap();
  void publish_stats();
  std::uint64_t routing_salt(const RoutingControls& controls) const;

  Engine& engine_;
  SchedulerOptions options_;
  BlockPool pool_;
  int choose_from_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::unique_ptr<Group>> incoming_;
  std::set<RequestId> cancels_;
  std::deque<std::function<void()>> tasks_;
  std::map<ContinuationId, std::unique_ptr<Held>> held_;  // its kv touched on the scheduler's thread only
  ContinuationId next_handle_ = 1;
  RequestId next_id_ = 1;
  int pending_ = 0;                 // submitted, not yet done
  bool stopping_ = false;
  SchedulerStats stats_;            // snapshot, under mutex_

  // The scheduler thread's own state.
  std::deque<std::unique_ptr<Group>> waiting_;
  std::vector<std::unique_ptr<Group>> running_;
  int running_sequences_ = 0;
  int reserved_ = 0;
  std::int64_t prefill_tokens_ = 0, generated_tokens_ = 0, decode_steps_ = 0, done_ = 0, cancelled_ = 0;

  std::thread worker_;
};

}  // namespace gauntlet::engine
