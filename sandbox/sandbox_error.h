#pragma once
// SandboxError: the sandbox could not be set up or used (namespaces unavailable, interpreter missing,
// a worker that cannot be started). Never thrown for anything a job does: jobs end in an ExecResult.
#include <stdexcept>
#include <string>

namespace gauntlet::sandbox {

class SandboxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gauntlet::sandbox
