#include "harness/prompts/prompt_template.h"

#include <stdexcept>

#include <fmt/format.h>

namespace gauntlet::harness {
namespace {

bool is_field_name(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

}  // namespace

PromptTemplate::PromptTemplate(const std::string& text) {
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal += c;
      ++i;
      continue;
    }
    auto close = c == '{' ? text.find('}', i + 1) : std::string::npos;
    std::string name = close == std::string::npos ? "" : text.substr(i + 1, close - i - 1);
    if (!is_field_name(name)) {  // "\boxed{}", "{1}", a lone brace: literal text
      literal += c;
      continue;
    }
    if (!literal.empty()) pieces_.push_back({false, std::move(literal)});
    literal.clear();
    pieces_.push_back({true, name});
    fields_.push_back(name);
    i = close;
  }
  if (!literal.empty()) pieces_.push_back({false, std::move(literal)});
}

std::string PromptTemplate::render(const nlohmann::json& row) const {
  std::string out;
  for (const auto& piece : pieces_) {
    if (!piece.is_field) {
      out += piece.text;
      continue;
    }
    auto it = row.find(piece.text);
    if (it == row.end())
      throw std::out_of_range(fmt::format("field '{}' is not in the row (write {{{{{}}}}} for literal braces)",
                                          piece.text, piece.text));
    out += it->is_string() ? it->get<std::string>() : it->dump();
  }
  return out;
}

}  // namespace gauntlet::harness
