#pragma once
// ThoughtSplitter: cuts streamed thinking text into thoughts (TrimR, budgets.md §3.1). A new thought
// begins where a reflection marker ("Wait", "Hmm", "Let me check", ...) starts a line: at the start of
// the text or right after a '\n', after optional spaces/tabs, matched case-sensitively and followed by
// a character that is not a letter or digit (or by the end of the text), so "Waiting" and "Hmmm" start
// nothing. Fed in chunks of any size (a token's text at a time); feed() returns the thoughts the
// chunk closed, finish() the last open one. A thought's text runs from its first byte up to the
// byte before the next thought's line (the newlines before the marker stay with the closing thought).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gauntlet::harness {

// budgets.md §3.1's candidate list (the paper's Appendix E list is not public in full).
const std::vector<std::string>& default_reflection_markers();

struct Thought {
  int index = 0;             // 0, 1, ... in order
  std::string text;
  std::size_t begin = 0;     // byte offsets of text in everything fed
  std::size_t end = 0;
  std::string marker;        // the marker that opened it ("" for the first thought)
};

class ThoughtSplitter {
 public:
  // Empty markers are ignored; an empty list never splits.
  explicit ThoughtSplitter(std::vector<std::string> markers = default_reflection_markers());

  std::vector<Thought> feed(std::string_view chunk);
  // Closes and returns the open thought (none when nothing was fed since the last boundary).
  std::vector<Thought> finish();
  // Thoughts closed so far (those returned by feed/finish).
  int closed() const { return next_index_; }
  // Bytes fed so far.
  std::size_t size() const { return base_ + buffer_.size(); }

 private:
  // At line start `pos` (index into buffer_): the marker that begins there, "" when none, or
  // nullptr when the buffered text is too short to decide (only while not finished).
  const std::string* marker_at(std::size_t pos, bool final) const;
  std::vector<Thought> scan(bool final);

  std::vector<std::string> markers_;
  std::string buffer_;          // the open thought's text and anything after it not yet scanned
  std::size_t base_ = 0;        // offset of buffer_[0] in everything fed
  std::size_t scanned_ = 0;     // buffer_ positions below this hold no undecided line start
  std::string open_marker_;     // marker of the open thought
  int next_index_ = 0;
};

}  // namespace gauntlet::harness
