#pragma once
// OutputMatch: whether a program's stdout is the expected output of a stdin/stdout test, as judges
// of programming contests compare:
//   exact       byte for byte;
//   whitespace  the same sequence of whitespace-separated tokens (so trailing spaces, a missing
//               final newline or "\r\n" never matter: Codeforces' default checker);
//   float       as whitespace, except that two tokens that both read as finite numbers are equal
//               when |a - b| <= tolerance * max(1, |b|) (absolute below 1, relative above).
#include <string>
#include <string_view>

namespace gauntlet::verifiers {

enum class OutputComparison { kExact, kWhitespace, kFloat };

// "exact" | "whitespace" | "float"; throws std::invalid_argument otherwise.
OutputComparison output_comparison_from_string(const std::string& name);

bool output_matches(std::string_view actual, std::string_view expected, OutputComparison how, double tolerance);

}  // namespace gauntlet::verifiers
