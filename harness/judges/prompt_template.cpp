#include "harness/judges/prompt_template.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <fmt/format.h>

namespace gauntlet::harness {
namespace {

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  const auto first = static_cast<unsigned char>(name[0]);
  if (!std::isalpha(first) && first != '_') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '_' || c == '.';
  });
}

}  // namespace

PromptTemplate::PromptTemplate(std::string text) : text_(std::move(text)) {
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) pieces_.push_back({false, std::move(literal)});
    literal.clear();
  };
  for (std::size_t i = 0; i < text_.size(); ++i) {
    const char c = text_[i];
    if (c == '{' && i + 1 < text_.size() && text_[i + 1] == '{') {
      literal += '{';
      ++i;
    } else if (c == '}' && i + 1 < text_.size() && text_[i + 1] == '}') {
      literal += '}';
      ++i;
    } else if (c == '{') {
      auto close = text_.find('}', i + 1);
      if (close == std::string::npos)
        throw std::invalid_argument(fmt::format("prompt template: the '{{' at offset {} is never closed", i));
      std::string name = text_.substr(i + 1, close - i - 1);
      if (!valid_name(name))
        throw std::invalid_argument(fmt::format(
            "prompt template: '{{{}}}' at offset {} is not a field name (a letter or '_', then letters, digits, '_' "
            "or '.'; write {{{{ and }}}} for literal braces)",
            name, i));
      flush();
      pieces_.push_back({true, name});
      if (std::find(fields_.begin(), fields_.end(), name) == fields_.end()) fields_.push_back(name);
      i = close;
    } else if (c == '}') {
      throw std::invalid_argument(
          fmt::format("prompt template: stray '}}' at offset {} (write }}}} for a literal brace)", i));
    } else {
      literal += c;
    }
  }
  flush();
}

std::string PromptTemplate::render(const std::map<std::string, std::string>& values) const {
  std::string out;
  for (const auto& p : pieces_) {
    if (!p.field) {
      out += p.text;
      continue;
    }
    auto it = values.find(p.text);
    if (it == values.end()) throw std::invalid_argument(fmt::format("prompt template: no value for field '{}'", p.text));
    out += it->second;
  }
  return out;
}

}  // namespace gauntlet::harness
