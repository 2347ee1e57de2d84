#pragma once
// Progress: the run's status line on stderr. On a TTY a live line is redrawn in place; otherwise a
// plain line is printed every `interval_s` (for overnight logs), plus one at the end.
// Counters are updated from any thread; tick() and finish() are called from the runner's thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace gauntlet::harness {

struct ProgressCounts {
  std::int64_t done = 0;
  std::int64_t total = 0;
  std::int64_t in_flight = 0;
  std::int64_t limit = 0;      // sum of the models' current concurrency limits (0: unknown)
  std::int64_t retries = 0;
  std::int64_t errors = 0;
  std::int64_t cached = 0;
  std::string last_error;      // the latest failed request's error ("" when none): quoted, cut to 160 chars
};

class Progress {
 public:
  Progress(std::ostream& out, bool live, double interval_s);

  // Prints if due. `now` defaults to the steady clock; tests pass their own.
  void tick(const ProgressCounts& counts);
  void finish(const ProgressCounts& counts);

  // "done/total (pct) | rate/s | elapsed | ETA | in flight/limit | retries | errors | cached", then
  // " | last error: …" when a request has failed.
  static std::string format_line(const ProgressCounts& counts, double elapsed_s, double rate);

 private:
  void print(const ProgressCounts& counts, bool final_line);

  std::ostream& out_;
  bool live_;
  double interval_s_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  std::int64_t start_done_ = -1;  // done at the first tick: work from earlier runs doesn't count in the rate
};

// `text` on one line, cut to at most `max_bytes` (whole UTF-8 code points) with "…" when cut.
std::string shorten(const std::string& text, std::size_t max_bytes);

}  // namespace gauntlet::harness
