#include "engine/text/thinking.h"

namespace gauntlet::engine {

std::optional<ThinkingDelimiters> find_thinking_delimiters(const Tokenizer& tokenizer) {
  static const std::pair<const char*, const char*> kPairs[] = {
      {"<think>", "</think>"}, {"<thinking>", "</thinking>"}, {"\u25c1think\u25b7", "\u25c1/think\u25b7"}};
  auto added_id = [&](const std::string& content) -> std::optional<int> {
    for (const auto& t : tokenizer.added_tokens())
      if (t.content == content) return t.id;
    return std::nullopt;
  };
  for (const auto& [open, close] : kPairs) {
    auto o = added_id(open);
    auto c = added_id(close);
    if (o && c) return ThinkingDelimiters{open, close, *o, *c};
  }
  return std::nullopt;
}

}  // namespace gauntlet::engine
