#include "harness/run/interrupt.h"

#include <unistd.h>

#include <csignal>

namespace gauntlet::harness {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) {
  if (g_stop.exchange(true)) _exit(130);  // second signal: leave now; committed work is safe
  const char msg[] = "\ngauntlet: stopping after in-flight requests finish (signal again to quit now)\n";
  [[maybe_unused]] auto n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
}

}  // namespace

const std::atomic<bool>& install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return g_stop;
}

}  // namespace gauntlet::harness
