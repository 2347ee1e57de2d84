#pragma once
// ThinkingTracker: follows a generation token by token and records where its reasoning block lies,
// from the thinking delimiters' token ids (engine/text/thinking.h), never by searching the text.
#include <cstddef>
#include <optional>
#include <span>

#include "engine/text/thinking.h"

namespace gauntlet::engine {

// Where a generation's reasoning block lies. Byte offsets into GenerationResult::text:
// [open_at, begin) is the opening delimiter (empty when the prompt left thinking open, or when the
// model closed a block it never opened), [begin, end) the reasoning, [end, answer_at) the closing
// delimiter; a block never closed ends at the end of the text.
struct ThinkingSpan {
  std::size_t open_at = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t answer_at = 0;
  std::optional<std::size_t> close_token;  // index in GenerationResult::tokens of the closing token
};

class ThinkingTracker {
 public:
  // `prompt_ids` leave thinking open when their last delimiter token is the opening one.
  ThinkingTracker(const std::optional<ThinkingDelimiters>& delimiters, std::span<const int> prompt_ids);

  // Token `index` (id `id`) was decoded; the text grew from `before` to `after` bytes.
  void push(std::size_t index, int id, std::size_t before, std::size_t after);
  // The block, with every offset clamped to `text_size` (stop strings cut the text); none when the
  // generation had no reasoning block or the tokenizer has no delimiters.
  std::optional<ThinkingSpan> finish(std::size_t text_size) const;

 private:
  enum class State { kBefore, kOpen, kClosed };
  std::optional<ThinkingDelimiters> delimiters_;
  State state_ = State::kBefore;
  ThinkingSpan span_;
};

}  // namespace gauntlet::engine
