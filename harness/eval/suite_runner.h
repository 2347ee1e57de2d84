#pragma once
// SuiteRunner: expands a suite into work items (model x task x item x sample), skips those already
// committed in the store, sends the rest through each model's client, scores each result and
// commits it the moment it finishes. Rerunning the same suite on the same database does only the
// missing work (including new samples when `samples:` grows, and samples whose request failed).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "harness/clients/model_client.h"
#include "harness/store/store.h"
#include "harness/eval/suite_config.h"

namespace gauntlet::harness {

// A deterministic 1/count slice: (task, item) pairs in suite order, every count-th from index.
struct Shard {
  int index = 0;  // 0-based
  int count = 1;
  std::string to_string() const;
  // "i/n" with 0 <= i <= n, taken mod n: 0-based (0..n-1, as SLURM_ARRAY_TASK_ID) and 1-based
  // (1..n) numbering both cover every item exactly once. Throws UsageError otherwise.
  static Shard parse(const std::string& text);
};

struct RunOptions {
  std::optional<Shard> shard;
  std::string command_line;                 // recorded in the runs table
  std::ostream* progress_out = nullptr;     // nullptr: no progress output
  bool progress_live = false;               // redraw one line (TTY) instead of periodic lines
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT): finish in-flight work, then stop
  // Builds a model's client; the default makes OpenAIClient / ToyClient from the config.
  std::function<std::unique_ptr<ModelClient>(const ModelConfig&)> make_client;
};

struct RunSummary {
  std::int64_t run_id = 0;
  std::int64_t planned = 0;      // samples in this run's slice
  std::int64_t already_done = 0; // committed before this run started
  std::int64_t completed = 0;    // committed by this run without error
  std::int64_t failed = 0;       // committed by this run with an error (retried on the next run)
  std::int64_t retries = 0;
  std::int64_t cached = 0;
  bool interrupted = false;
};

// Throws ConfigError / DatasetError / StoreError before any request is sent when the suite, a
// dataset or the store is inconsistent.
RunSummary run_suite(const SuiteConfig& suite, Store& store, const RunOptions& options);

std::unique_ptr<ModelClient> make_default_client(const ModelConfig& config);

}  // namespace gauntlet::harness
