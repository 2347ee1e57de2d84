#pragma once
// TokenizerError: a tokenizer.json / tokenizer_config.json that cannot be used, or a token id out
// of range. The message names the file and what is wrong.
#include <stdexcept>

namespace gauntlet::engine {

class TokenizerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gauntlet::engine
