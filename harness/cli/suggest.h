#pragma once
// Suggestions for mistyped command-line words: the closest candidate by edit distance, when it is
// close enough to be what was meant (at most 2 edits, or a third of the word).
#include <string>
#include <vector>

namespace gauntlet::harness {

// "" when no candidate is close.
std::string closest_word(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace gauntlet::harness
