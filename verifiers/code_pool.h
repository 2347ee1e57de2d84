#pragma once
// CodePool: the sandbox pool that runs candidate programs for the code scorer (the standard library
// only, one lane per core, full isolation), started on the first get() so configurations that never
// run code never pay for it. A pool that cannot start says why on every get() and is not retried.
// Thread-safe.
#include <memory>
#include <mutex>
#include <string>

#include "sandbox/sandbox.h"

namespace gauntlet::verifiers {

class CodePool {
 public:
  explicit CodePool(sandbox::SandboxOptions options = {});
  ~CodePool();
  CodePool(const CodePool&) = delete;
  CodePool& operator=(const CodePool&) = delete;

  // The started pool, or nullptr with `error` set to why it cannot start.
  sandbox::Sandbox* get(std::string& error);

  // The process-wide pool the `code` scorer uses.
  static CodePool& shared();

 private:
  sandbox::SandboxOptions options_;
  std::mutex mutex_;
  std::unique_ptr<sandbox::Sandbox> box_;
  std::string start_error_;  // sticky
};

}  // namespace gauntlet::verifiers
