#pragma once
// JudgeError: a judge could not give a usable judgement (its request failed after the client's
// retries, or none of its replies could be read). Whatever asked must treat the work as failed
// and redo it later; a judgement is never made up.
#include <stdexcept>

namespace gauntlet::harness {

class JudgeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gauntlet::harness
