#include "engine/text/thinking_span.h"

#include <algorithm>

namespace gauntlet::engine {

ThinkingTracker::ThinkingTracker(const std::optional<ThinkingDelimiters>& delimiters, std::span<const int> prompt_ids)
    : delimiters_(delimiters) {
  if (!delimiters_) return;
  for (auto it = prompt_ids.rbegin(); it != prompt_ids.rend(); ++it) {
    if (*it == delimiters_->close_id) break;
    if (*it == delimiters_->open_id) {
      state_ = State::kOpen;  // the generation prompt opened thinking: reasoning starts at byte 0
      break;
    }
  }
}

void ThinkingTracker::push(std::size_t index, int id, std::size_t before, std::size_t after) {
  if (!delimiters_ || state_ == State::kClosed) return;
  if (state_ == State::kBefore && id == delimiters_->open_id) {
    span_.open_at = before;
    span_.begin = after;
    state_ = State::kOpen;
  } else if (id == delimiters_->close_id) {
    // Closed without an opening token (DeepSeek-R1 style): everything before it is reasoning.
    span_.end = before;
    span_.answer_at = after;
    span_.close_token = index;
    state_ = State::kClosed;
  }
}

std::optional<ThinkingSpan> ThinkingTracker::finish(std::size_t text_size) const {
  if (state_ == State::kBefore) return std::nullopt;
  ThinkingSpan s = span_;
  if (state_ == State::kOpen) s.end = s.answer_at = text_size;
  for (std::size_t* at : {&s.open_at, &s.begin, &s.end, &s.answer_at}) *at = std::min(*at, text_size);
  return s;
}

}  // namespace gauntlet::engine
