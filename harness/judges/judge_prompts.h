#pragma once
// The messages a model judge is sent for a rubric: a system line with the task's instructions,
// then the passages under their labels and what to answer, ending with the exact JSON shape
// wanted; and what any judge is told after a reply it could not read. (Grade tasks bring their own
// messages, e.g. rendered from a PromptTemplate.)
#include <vector>

#include "harness/clients/chat.h"
#include "harness/judges/judge.h"

namespace gauntlet::harness {

std::vector<ChatMessage> rubric_messages(const RubricTask& task);
inline constexpr const char* kRubricReplyFormat = "only the JSON object, in exactly the shape given";
// What a judge is told after a reply it could not read (then it answers again): the problem, and
// `reply_format` (how the answer must be given) when not empty.
ChatMessage correction_message(const std::string& problem, const std::string& reply_format);

}  // namespace gauntlet::harness
