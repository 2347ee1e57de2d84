#pragma once
// Reads head-to-head battles from a JSON-lines file, one battle per line:
//   {"a": "x", "b": "y", "winner": "a" | "b" | "tie"}
// and the LMSYS arena dump spelling:
//   {"model_a": "x", "model_b": "y", "winner": "model_a" | "model_b" | "tie" | "tie (bothbad)"}
// Optional "group" (integer >= 0, or a string): battles sharing it are one bootstrap unit (e.g. the
// pairwise battles of one multi-player match). Other keys are ignored; blank lines are skipped.
// Any malformed line -> DatasetError naming file:line (exit 2 at the CLI).
#include <istream>
#include <string>
#include <vector>

#include "harness/ratings/ratings.h"

namespace gauntlet::harness {

std::vector<Battle> read_battles_jsonl(const std::string& path);
// `name` is used in error messages only.
std::vector<Battle> read_battles_jsonl(std::istream& in, const std::string& name);

}  // namespace gauntlet::harness
