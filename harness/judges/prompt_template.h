#pragma once
// PromptTemplate: a judge's prompt as text with {field} placeholders ("{{" and "}}" are literal
// braces), checked when built; render() fills the fields in one pass (a value holding "{x}" stays
// as written). Field names: a letter or '_', then letters, digits, '_' or '.', e.g. {question},
// {answer}, {item.difficulty}.
#include <map>
#include <string>
#include <vector>

namespace gauntlet::harness {

class PromptTemplate {
 public:
  // Throws std::invalid_argument naming the offset and what is wrong (an unclosed or empty
  // placeholder, a bad field name, a stray '}').
  explicit PromptTemplate(std::string text);

  const std::string& text() const { return text_; }
  // The distinct field names, in order of first use.
  const std::vector<std::string>& fields() const { return fields_; }
  // Throws std::invalid_argument naming the first field `values` lacks (extra values are ignored).
  std::string render(const std::map<std::string, std::string>& values) const;

 private:
  struct Piece {
    bool field = false;
    std::string text;  // literal text, or the field's name
  };
  std::string text_;
  std::vector<Piece> pieces_;
  std::vector<std::string> fields_;
};

}  // namespace gauntlet::harness
