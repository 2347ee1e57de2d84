#pragma once
// Graceful interruption for long runs: the first SIGINT/SIGTERM sets the returned flag (runners stop
// sending work and let in-flight work commit); a second one exits at once with status 130.
#include <atomic>

namespace gauntlet::harness {

const std::atomic<bool>& install_interrupt_handler();

}  // namespace gauntlet::harness
