#pragma once
// LazySandbox: a sandbox pool started on the first get(), so configurations that never run code
// never pay for it (the code scorer's pool; the symbolic checker's, with SymPy). A pool that
// cannot start says why on every get() and is not retried. Thread-safe.
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "sandbox/sandbox.h"

namespace gauntlet::verifiers {

class LazySandbox {
 public:
  explicit LazySandbox(sandbox::SandboxOptions options = {});
  ~LazySandbox();
  LazySandbox(const LazySandbox&) = delete;
  LazySandbox& operator=(const LazySandbox&) = delete;

  // The started pool, or nullptr with `error` set to why it cannot start.
  sandbox::Sandbox* get(std::string& error);
  // Whether the started pool has namespaces; nullopt while not started (or unable to start).
  std::optional<bool> isolated();

  // The process-wide pool the `code` scorer uses: the standard library only, one lane per core,
  // full isolation.
  static LazySandbox& code_pool();

 private:
  sandbox::SandboxOptions options_;
  std::mutex mutex_;
  std::unique_ptr<sandbox::Sandbox> box_;
  std::string start_error_;  // sticky
};

}  // namespace gauntlet::verifiers
