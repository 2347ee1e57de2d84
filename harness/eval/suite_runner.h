#pragma once
// SuiteRunner: expands a suite into work items (model x task x item x sample), skips those already
// committed in the store, sends the rest through each model's client, scores each result and
// commits it the moment it finishes. Rerunning the same suite on the same database does only the
// missing work (including new samples when `samples:` grows, and samples whose request failed).
// Requests cancelled by an interrupt are not recorded (they are simply missing).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "harness/eval/suite_config.h"
#include "harness/eval/suite_plan.h"
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
  std::int64_t context_overflows = 0;  // prompts that did not fit the model's context (errors, or scored wrong)
  std::int64_t context_cut = 0;        // answers cut off at the end of the model's context (finish_reason context)
  std::string last_error;              // the error of the last failed sample ("" when none failed)
  bool interrupted = false;
};

// Runs a prepared suite (eval/suite_plan.h). Throws StoreError before any request is sent when the
// store holds a model or task of the same name with another definition, or a task item whose
// question changed; nothing is written then.
RunSummary run_suite(const PreparedSuite& prepared, Store& store, const RunOptions& options);
// prepare_suite + run_suite.
RunSummary run_suite(const SuiteConfig& suite, Store& store, const RunOptions& options);

}  // namespace gauntlet::harness
