#pragma once
// Pre-tokeniser splits, implemented by hand with exact regex semantics (leftmost match, alternatives
// tried in order, greedy with backtracking, \s+(?!\S)) for the patterns byte-level BPE models use:
//   kQwen2:  (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   kLlama3: the same with \p{N}{1,3}
//   kGpt2:   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// Split behaviour "Isolated": every match is a piece, and so is any unmatched stretch between.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gauntlet::engine {

enum class SplitPattern { kQwen2, kLlama3, kGpt2 };

class PreTokenizer {
 public:
  explicit PreTokenizer(SplitPattern pattern) : pattern_(pattern) {}

  // The pattern a tokenizer.json regex string denotes; nullopt when it is none of the above.
  static std::optional<SplitPattern> recognise(std::string_view regex);
  static std::string_view regex_of(SplitPattern pattern);

  // Appends the pieces of `text` (valid UTF-8 expected) as views into it.
  void split(std::string_view text, std::vector<std::string_view>& pieces) const;

 private:
  // Length in bytes of the match at `pos`, or 0 when no alternative matches there.
  std::size_t match_at(std::string_view text, std::size_t pos) const;
  SplitPattern pattern_;
};

}  // namespace gauntlet::engine
