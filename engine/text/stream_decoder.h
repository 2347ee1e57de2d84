#pragma once
// StreamDecoder: turns generated token ids into text as they arrive. push() returns only complete
// UTF-8; a character split across tokens is held back until its last byte arrives. finish()
// returns whatever is still held (possibly an incomplete sequence).
#include <string>

#include "engine/text/tokenizer.h"

namespace gauntlet::engine {

class StreamDecoder {
 public:
  explicit StreamDecoder(const Tokenizer& tokenizer, bool skip_special = false)
      : tokenizer_(&tokenizer), skip_special_(skip_special) {}

  std::string push(int id);
  std::string finish();
  const std::string& pending() const { return pending_; }

 private:
  const Tokenizer* tokenizer_;
  bool skip_special_;
  std::string pending_;
};

}  // namespace gauntlet::engine
