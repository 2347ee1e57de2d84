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

#include "harness/eval/suite_config.h"
#include "harness/run/run_options.h"
#include "harness/store/store.h"

namespace gauntlet::harness {

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

}  // namespace gauntlet::harness
