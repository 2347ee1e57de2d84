#pragma once
// Answer normalisation shared by the scorers: the `exact` normalisation, plain-number parsing with a
// tolerant comparison, and extraction of balanced LaTeX brace groups such as \boxed{...}.
// (Character classes, trim and whitespace folding: verifiers/text.h.)
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verifiers/text.h"

namespace gauntlet::verifiers {

// The `exact` normalisation: trim, collapse internal whitespace, case-fold unless `case_sensitive`,
// strip one trailing period (and the whitespace before it).
std::string normalize_exact(std::string_view text, bool case_sensitive = false);

// Parses a plain number: optional sign, digits with an optional decimal part, optional exponent
// ("-12", "+3.5", ".5", "1e-3", "2.5E+4"); comma thousands separators in groups of exactly three
// digits are accepted ("1,234,567.5"). Surrounding whitespace is ignored. nullopt otherwise,
// also for non-finite values.
std::optional<double> parse_plain_number(std::string_view text);

// True when |a - b| <= rel_tolerance * max(|a|, |b|) or |a - b| <= abs_tolerance; an infinity is
// close only to the same infinity.
bool numbers_close(double a, double b, double rel_tolerance, double abs_tolerance = 1e-9);

// Given `text` and the index just past a command name (e.g. after "\boxed"), reads the command's
// argument: a balanced {...} group (nested braces fine) returning its inner text, or, with no
// brace, the next whitespace-free token (as in "\boxed 5"). Sets `end` to the index after the
// argument. nullopt when the group is unbalanced or no argument follows.
std::optional<std::string> read_latex_argument(std::string_view text, std::size_t pos, std::size_t& end);

// Contents of every \boxed{...} and \fbox{...} in `text`, in order of appearance. Unbalanced
// (truncated) groups are skipped.
std::vector<std::string> find_boxed_contents(std::string_view text);

}  // namespace gauntlet::verifiers
