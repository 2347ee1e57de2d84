#include "verifiers/code_pool.h"

#include "sandbox/sandbox_error.h"

namespace gauntlet::verifiers {

CodePool::CodePool(sandbox::SandboxOptions options) : options_(std::move(options)) {}

CodePool::~CodePool() = default;

CodePool& CodePool::shared() {
  static CodePool pool;
  return pool;
}

sandbox::Sandbox* CodePool::get(std::string& error) {
  std::lock_guard lock(mutex_);
  if (box_) return box_.get();
  if (!start_error_.empty()) {
    error = start_error_;
    return nullptr;
  }
  try {
    box_ = std::make_unique<sandbox::Sandbox>(options_);
  } catch (const sandbox::SandboxError& e) {
    start_error_ = e.what();
    error = start_error_;
    return nullptr;
  }
  return box_.get();
}

}  // namespace gauntlet::verifiers
