#include "harness/budgets/thought_splitter.h"

#include <algorithm>
#include <cctype>

namespace gauntlet::harness {
namespace {

// A byte that continues a word: ASCII letters and digits, and any byte of a multi-byte UTF-8 character.
bool word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u) != 0;
}

bool all_space(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

const std::string kNoMarker;

}  // namespace

const std::vector<std::string>& default_reflection_markers() {
  static const std::vector<std::string> markers = {"Wait",          "But wait",      "Hmm",
                                                   "Alternatively", "Let me check",  "Let me verify",
                                                   "Let me double-check"};
  return markers;
}

ThoughtSplitter::ThoughtSplitter(std::vector<std::string> markers) {
  for (auto& m : markers)
    if (!m.empty()) markers_.push_back(std::move(m));
}

const std::string* ThoughtSplitter::marker_at(std::size_t pos, bool final) const {
  std::size_t j = pos;
  while (j < buffer_.size() && (buffer_[j] == ' ' || buffer_[j] == '\t')) ++j;
  if (j == buffer_.size()) return final ? &kNoMarker : nullptr;
  const std::string_view rest = std::string_view(buffer_).substr(j);
  const std::string* best = nullptr;
  bool pending = false;
  for (const auto& m : markers_) {
    if (rest.size() < m.size()) {
      if (m.compare(0, rest.size(), rest) == 0) pending = true;  // could still become this marker
      continue;
    }
    if (rest.compare(0, m.size(), m) != 0) continue;
    if (rest.size() == m.size()) {
      if (!final) {
        pending = true;  // the next byte decides whether the word ends here
        continue;
      }
    } else if (word_byte(rest[m.size()])) {
      continue;
    }
    if (best == nullptr || m.size() > best->size()) best = &m;
  }
  if (pending && !final) return nullptr;  // a longer marker may still match: decide later
  return best != nullptr ? best : &kNoMarker;
}

std::vector<Thought> ThoughtSplitter::scan(bool final) {
  std::vector<Thought> out;
  std::size_t i = scanned_;
  for (; i < buffer_.size(); ++i) {
    const bool line_start = i == 0 ? base_ == 0 : buffer_[i - 1] == '\n';
    if (!line_start) continue;
    const std::string* m = marker_at(i, final);
    if (m == nullptr) {
      scanned_ = i;
      return out;
    }
    if (m->empty()) continue;
    if (all_space(std::string_view(buffer_).substr(0, i))) {
      // Nothing but blank space before it: the open thought begins with this marker.
      if (open_marker_.empty()) open_marker_ = *m;
      continue;
    }
    Thought t;
    t.index = next_index_++;
    t.text = buffer_.substr(0, i);
    t.begin = base_;
    t.end = base_ + i;
    t.marker = std::move(open_marker_);
    out.push_back(std::move(t));
    buffer_.erase(0, i);
    base_ += i;
    open_marker_ = *m;
    i = 0;  // buffer_[0] is the new thought's (decided) line start; the loop goes on from 1
  }
  scanned_ = buffer_.size();
  return out;
}

std::vector<Thought> ThoughtSplitter::feed(std::string_view chunk) {
  buffer_.append(chunk);
  return scan(false);
}

std::vector<Thought> ThoughtSplitter::finish() {
  std::vector<Thought> out = scan(true);
  if (!buffer_.empty()) {
    Thought t;
    t.index = next_index_++;
    t.text = std::move(buffer_);
    t.begin = base_;
    t.end = base_ + t.text.size();
    t.marker = std::move(open_marker_);
    base_ = t.end;
    buffer_.clear();
    open_marker_.clear();
    out.push_back(std::move(t));
  }
  scanned_ = 0;
  return out;
}

}  // namespace gauntlet::harness
