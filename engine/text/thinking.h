#pragma once
// Thinking delimiters: the tokens that open and close a model's reasoning block, found among the
// tokenizer's added tokens (<think>/</think> for Qwen3 and DeepSeek-R1, <thinking>/</thinking>,
// Kimi's ◁think▷/◁/think▷), never assumed by id.
#include <optional>
#include <string>

#include "engine/text/tokenizer.h"

namespace gauntlet::engine {

struct ThinkingDelimiters {
  std::string open, close;
  int open_id = -1, close_id = -1;
};

// The first known pair whose both tokens are added tokens of `tokenizer`; nullopt when none is.
std::optional<ThinkingDelimiters> find_thinking_delimiters(const Tokenizer& tokenizer);

}  // namespace gauntlet::engine
