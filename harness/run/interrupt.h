#pragma once
// Graceful interruption for long runs: the first SIGINT/SIGTERM sets the returned flag (runners stop
// sending work, cancel pending retries and let in-flight work commit); a second one exits at once with
// status 130. A signal that arrives within `kSignalDebounceS` of the first counts as the same one:
// `timeout -s INT` (and `kill` of a process group) delivers it to the process and again to its group,
// which must not take the quit-now path.
#include <atomic>

namespace gauntlet::harness {

inline constexpr double kSignalDebounceS = 1.0;

const std::atomic<bool>& install_interrupt_handler();

// For tests: what the handler does with a signal at `now_s` (a monotonic time in seconds), given the
// time of the first one (< 0: none yet). Returns 0 (first: stop gracefully), 1 (a duplicate of the
// first: ignored) or 2 (a second signal: quit now).
int classify_signal(double first_s, double now_s);

}  // namespace gauntlet::harness
