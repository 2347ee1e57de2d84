#include "verifiers/lazy_sandbox.h"

#include "sandbox/sandbox_error.h"

namespace gauntlet::verifiers {

LazySandbox::LazySandbox(sandbox::SandboxOptions options) : options_(std::move(options)) {}

LazySandbox::~LazySandbox() = default;

LazySandbox& LazySandbox::code_pool() {
  static LazySandbox pool;
  return pool;
}

sandbox::Sandbox* LazySandbox::get(std::string& error) {
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

std::optional<bool> LazySandbox::isolated() {
  std::lock_guard lock(mutex_);
  if (!box_) return std::nullopt;
  return box_->isolated();
}

}  // namespace gauntlet::verifiers
