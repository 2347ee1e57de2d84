#pragma once
// The scripted judge "model" of the fake OpenAI server (FakeServerOptions::script = "judge"). It
// recognises Gauntlet's judge prompts (harness/judges/judge_prompts.h): a rubric prompt ("Score
// each of: ...") gets the JSON shape the prompt shows with every aspect scored 1..5 from a hash of
// (prompt key, candidate, criterion, aspect); Gandalf's leak prompt (harness/referee/leak_judging.h)
// gets a last line "LEAKED: YES" when a hash of the prompt key falls below kJudgeScriptYesRate,
// else "LEAKED: NO". Other prompts: nullopt (answered as arithmetic).
#include <optional>
#include <string>
#include <string_view>

#include "tests/support/selfplay_script.h"

namespace gauntlet::testing {

inline constexpr double kJudgeScriptYesRate = 0.5;

std::optional<ScriptedReply> judge_reply(std::string_view prompt, std::string_view key);

}  // namespace gauntlet::testing
