#include "harness/clients/reasoning.h"

#include <algorithm>
#include <string_view>

namespace gauntlet::harness {

namespace {

constexpr std::string_view kOpenTag = "<think>";
constexpr std::string_view kCloseTag = "</think>";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string ltrim(std::string s) {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  s.erase(0, i);
  return s;
}

std::string trim(std::string s) {
  s = ltrim(std::move(s));
  while (!s.empty() && is_space(s.back())) s.pop_back();
  return s;
}

// The <think>…</think> block in HTTP text; none when neither tag is there.
std::optional<ReasoningBounds> find_think_tags(const std::string& content) {
  const std::size_t open = content.find(kOpenTag);
  const std::size_t close = content.find(kCloseTag);
  if (open == std::string::npos && close == std::string::npos) return std::nullopt;
  if (close != std::string::npos && (open == std::string::npos || close < open))
    return ReasoningBounds{0, 0, close, close + kCloseTag.size()};
  if (close != std::string::npos) return ReasoningBounds{open, open + kOpenTag.size(), close, close + kCloseTag.size()};
  return ReasoningBounds{open, open + kOpenTag.size(), content.size(), content.size()};
}

}  // namespace

void split_reasoning_at(const std::string& text, const ReasoningBounds& bounds, Choice& out) {
  const std::size_t n = text.size();
  const std::size_t open_at = std::min(bounds.open_at, n);
  const std::size_t begin = std::clamp(bounds.begin, open_at, n);
  const std::size_t end = std::clamp(bounds.end, begin, n);
  const std::size_t answer_at = std::clamp(bounds.answer_at, end, n);
  out.reasoning = trim(text.substr(begin, end - begin));
  out.text = ltrim(text.substr(0, open_at) + text.substr(answer_at));
}

void drop_stray_think_block(Choice& out) {
  const auto tags = find_think_tags(out.text);
  if (!tags) return;
  Choice rest;
  split_reasoning_at(out.text, *tags, rest);
  out.text = std::move(rest.text);
}

void split_reasoning(const std::optional<std::string>& content, const std::optional<std::string>& reasoning_field,
                     const std::optional<std::string>& reasoning_content_field, Choice& out) {
  out.content_null = !content.has_value();
  const std::string text = content.value_or("");
  out.text = text;
  out.reasoning.clear();
  if (auto tags = find_think_tags(text)) split_reasoning_at(text, *tags, out);
  std::string server_reasoning;
  if (reasoning_field && !reasoning_field->empty()) {
    server_reasoning = *reasoning_field;
  } else if (reasoning_content_field && !reasoning_content_field->empty()) {
    server_reasoning = *reasoning_content_field;
  } else {
    return;
  }
  out.reasoning = trim(server_reasoning);
  // Server-side parsers leave the "\n\n" that followed </think>; drop it as the tag path does.
  out.text = ltrim(std::move(out.text));
}

}  // namespace gauntlet::harness
