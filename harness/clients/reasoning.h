#pragma once
// Reasoning split from the answer, the one place that decides it: from a server's reasoning fields
// or <think> tags in HTTP text (split_reasoning), or from byte bounds the in-tree engine reports
// (split_reasoning_at). Reasoning is trimmed; the answer loses leading whitespace whenever there is
// reasoning and is left as sent otherwise.
#include <cstddef>
#include <optional>
#include <string>

#include "harness/clients/chat.h"

namespace gauntlet::harness {

// A reasoning block inside text, as byte offsets: [open_at, begin) the opening delimiter, [begin, end)
// the reasoning, [end, answer_at) the closing delimiter. The answer is everything outside the block.
struct ReasoningBounds {
  std::size_t open_at = 0, begin = 0, end = 0, answer_at = 0;
};

// Sets out.text and out.reasoning from `text` split at `bounds` (each clamped to the text).
void split_reasoning_at(const std::string& text, const ReasoningBounds& bounds, Choice& out);

// After the reasoning was split off by the engine's bounds: a think block still in the answer (the
// model wrote a second </think>) goes, and the answer is what follows it -- what split_reasoning
// makes of the same text from a server, so both providers answer alike.
void drop_stray_think_block(Choice& out);

// Uses `reasoning`, then `reasoning_content` (each when non-empty), then <think>…</think> in the
// content (a missing opening tag means everything before </think> is reasoning; an unterminated
// <think> means everything after it is). A stray think block is removed from the content even when
// a server field supplies the reasoning. content nullopt (JSON null) gives text "" and content_null.
void split_reasoning(const std::optional<std::string>& content, const std::optional<std::string>& reasoning_field,
                     const std::optional<std::string>& reasoning_content_field, Choice& out);

}  // namespace gauntlet::harness
