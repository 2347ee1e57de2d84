#include "verifiers/code_extraction.h"

#include <algorithm>

#include "verifiers/text.h"

namespace gauntlet::verifiers {
namespace {

// Drops leading blank lines (keeps the first line's indentation) and trailing whitespace.
std::string clean_body(std::string_view s) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n')
      start = i + 1;
    else if (!is_space(s[i]))
      break;
  }
  std::size_t end = s.size();
  while (end > start && is_space(s[end - 1])) --end;
  return std::string(s.substr(start, end - start));
}

}  // namespace

std::vector<FencedBlock> fenced_blocks(std::string_view text, bool keep_unterminated) {
  std::vector<FencedBlock> out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t open = text.find("```", pos);
    if (open == std::string_view::npos) break;
    std::size_t line_end = text.find('\n', open + 3);
    if (line_end == std::string_view::npos) break;
    std::size_t close = text.find("```", line_end);
    if (close == std::string_view::npos && !keep_unterminated) break;
    FencedBlock b;
    b.kind = ascii_lower(trim(text.substr(open + 3, line_end - open - 3)));
    if (close == std::string_view::npos) {
      b.body = clean_body(text.substr(line_end + 1));
      b.closed = false;
      out.push_back(std::move(b));
      break;
    }
    b.body = clean_body(text.substr(line_end + 1, close - line_end - 1));
    out.push_back(std::move(b));
    pos = close + 3;
  }
  return out;
}

std::optional<std::string> extract_code(std::string_view answer, const std::vector<std::string>& languages,
                                        CodeFallback fallback) {
  const auto blocks = fenced_blocks(answer, true);
  auto last_of = [&](auto&& wanted) -> const FencedBlock* {
    for (auto it = blocks.rbegin(); it != blocks.rend(); ++it)
      if (wanted(*it)) return &*it;
    return nullptr;
  };
  const FencedBlock* block = last_of([&](const FencedBlock& b) {
    return std::find(languages.begin(), languages.end(), b.kind) != languages.end();
  });
  if (!block) block = last_of([](const FencedBlock& b) { return b.kind.empty(); });
  std::string code;
  if (block) {
    code = block->body;
  } else if (fallback == CodeFallback::kWholeAnswer) {
    code = clean_body(answer);
  }
  if (trim(code).empty()) return std::nullopt;
  return code;
}

}  // namespace gauntlet::verifiers
