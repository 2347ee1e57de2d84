#pragma once
// The messages a model judge is sent: a system line with the task's instructions, then the
// passages under their labels and what to answer, ending with the exact JSON shape wanted.
#include <vector>

#include "harness/clients/chat.h"
#include "harness/judges/judge.h"

namespace gauntlet::harness {

std::vector<ChatMessage> rubric_messages(const RubricTask& task);
std::vector<ChatMessage> verdict_messages(const VerdictTask& task);
// What a judge is told after a reply it could not read (then it answers again).
ChatMessage correction_message(const std::string& problem);

}  // namespace gauntlet::harness
