#include "harness/run/interrupt.h"

#include <time.h>
#include <unistd.h>

#include <csignal>

namespace gauntlet::harness {
namespace {

std::atomic<bool> g_stop{false};
// Monotonic time of the first signal in nanoseconds (0: none yet); only the handler writes it.
std::atomic<long long> g_first_ns{0};

long long monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);  // async-signal-safe
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

extern "C" void on_signal(int) {
  const long long now = monotonic_ns();
  long long expected = 0;
  const bool first = g_first_ns.compare_exchange_strong(expected, now);
  const double first_s = first ? -1.0 : static_cast<double>(expected) * 1e-9;
  switch (classify_signal(first_s, static_cast<double>(now) * 1e-9)) {
    case 0: {
      g_stop.store(true);
      const char msg[] = "\ngauntlet: stopping after in-flight requests finish (signal again to quit now)\n";
      [[maybe_unused]] auto n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
      break;
    }
    case 1:
      break;  // the same signal delivered twice (process and process group)
    default:
      _exit(130);  // a second signal: leave now; committed work is safe
  }
}

}  // namespace

int classify_signal(double first_s, double now_s) {
  if (first_s < 0) return 0;
  return now_s - first_s < kSignalDebounceS ? 1 : 2;
}

const std::atomic<bool>& install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);  // one handler at a time, whichever signal
  sigaddset(&sa.sa_mask, SIGTERM);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return g_stop;
}

}  // namespace gauntlet::harness
