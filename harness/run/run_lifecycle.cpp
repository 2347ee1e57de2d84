#include "harness/run/run_lifecycle.h"

#include "harness/run/version.h"

namespace gauntlet::harness {

RunLifecycle::RunLifecycle(RunStore& runs, RunInfo info) : runs_(runs) {
  info.version = gauntlet_version();
  id_ = runs_.begin_run(info);
}

RunLifecycle::~RunLifecycle() {
  if (ended_) return;
  try {
    end("failed");
  } catch (...) {
    // Already unwinding (or the database is gone): the row stays `running`, as after a crash.
  }
}

void RunLifecycle::finish(bool interrupted) { end(interrupted ? "interrupted" : "finished"); }

void RunLifecycle::fail() { end("failed"); }

void RunLifecycle::end(const char* status) {
  if (ended_) return;
  ended_ = true;
  runs_.end_run(id_, status);
}

}  // namespace gauntlet::harness
