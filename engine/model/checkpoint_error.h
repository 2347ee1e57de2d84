#pragma once
// CheckpointError: a model directory that cannot be used. The message names the file, and the
// tensor or config key when there is one.
#include <stdexcept>

namespace gauntlet::engine {

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gauntlet::engine
