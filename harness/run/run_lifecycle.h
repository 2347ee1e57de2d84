#pragma once
// RunLifecycle: one invocation's row in the runs table, from start to end. The constructor records
// the run as `running` with this build's version; finish() marks it `finished`, or `interrupted`
// when the run stopped early; a lifecycle that ends without finish() (an exception left the runner,
// or fail() was called) marks it `failed`. Every runner (suite, tournament, self-play) uses it.
#include <cstdint>

#include "harness/store/run_store.h"

namespace gauntlet::harness {

class RunLifecycle {
 public:
  RunLifecycle(RunStore& runs, RunInfo info);  // info.version is set here
  ~RunLifecycle();
  RunLifecycle(const RunLifecycle&) = delete;
  RunLifecycle& operator=(const RunLifecycle&) = delete;

  std::int64_t id() const { return id_; }
  void finish(bool interrupted);
  void fail();

 private:
  void end(const char* status);

  RunStore& runs_;
  std::int64_t id_ = 0;
  bool ended_ = false;
};

}  // namespace gauntlet::harness
