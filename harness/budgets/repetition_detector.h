#pragma once
// RepetitionDetector: notices a decoding loop, the tail of a token stream repeating one block over
// and over (TrimR's "repetition" rule; the paper does not specify its detector, budgets.md §3.3).
// Fed one symbol per generated token (any 64-bit id: the token id, or a hash of its text). It fires
// when, for some period P in [1, max_period], the last L = max(P * min_repeats, min_span) symbols
// are P-periodic (s[i] == s[i - P] throughout), i.e. one block of P tokens was emitted
// min_repeats times in a row and the loop spans at least min_span tokens. Per symbol it updates, for
// every P, the length of the current run of positions with s[i] == s[i - P]: O(max_period) per token.
#include <cstdint>
#include <vector>

namespace gauntlet::harness {

struct RepetitionOptions {
  bool enabled = true;
  int max_period = 50;   // longest repeating block considered, in tokens
  int min_repeats = 4;   // the block's consecutive occurrences needed
  int min_span = 40;     // and at least this many tokens in the loop (so "0000" is not a loop)
};

class RepetitionDetector {
 public:
  explicit RepetitionDetector(RepetitionOptions options = {});

  // Adds a symbol; true when the stream now ends in a loop (and on every later symbol that extends it).
  bool push(std::uint64_t symbol);
  // The period of the loop found by the last push that returned true (the shortest), 0 when none.
  int period() const { return period_; }

 private:
  RepetitionOptions options_;
  std::vector<std::uint64_t> ring_;  // the last max_period symbols
  std::vector<int> run_;             // run_[P - 1]: consecutive latest positions with s[i] == s[i - P]
  long count_ = 0;
  int period_ = 0;
};

}  // namespace gauntlet::harness
