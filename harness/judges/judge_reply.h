#pragma once
// Reading a model judge's rubric reply: the last JSON object in it (fenced or bare, after any
// prose), then the scores it must hold. (Grades are read by GradePattern.) Lenient in form (keys in any case, "4" for 4,
// "yes" for true), strict in content (every aspect of every candidate, integers on the scale).
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "harness/judges/judge.h"

namespace gauntlet::harness {

// The last complete top-level JSON object in the last 64 KiB of `reply`, or nullopt (also when
// anything there nests deeper than 64 levels).
std::optional<nlohmann::json> last_json_object(std::string_view reply);

// Fills out->scores, totals and reasoning; returns "" or what is wrong with the reply.
std::string read_rubric_reply(std::string_view reply, const RubricTask& task, RubricJudgement* out);

}  // namespace gauntlet::harness
