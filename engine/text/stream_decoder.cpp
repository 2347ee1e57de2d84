#include "engine/text/stream_decoder.h"

#include "engine/text/unicode.h"

namespace gauntlet::engine {

std::string StreamDecoder::push(int id) {
  const std::string& bytes = tokenizer_->token_bytes(id);
  if (skip_special_ && tokenizer_->is_special(id)) return {};
  pending_ += bytes;
  std::size_t complete = unicode::complete_utf8_prefix(pending_);
  std::string out = pending_.substr(0, complete);
  pending_.erase(0, complete);
  return out;
}

std::string StreamDecoder::finish() {
  std::string out;
  out.swap(pending_);
  return out;
}

}  // namespace gauntlet::engine
