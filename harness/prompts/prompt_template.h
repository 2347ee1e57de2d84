#pragma once
// PromptTemplate: "{field}" substitution from a row of fields (a suite's dataset row; a judge's
// material: question, reference, answer, a game's password and messages). A field name starts with a letter or '_'
// and holds letters, digits, '_', '-', '.'; any other brace is literal ("\boxed{}", "\frac{1}{2}"),
// and "{{" / "}}" are literal braces when a field-like word must stay as written.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

class PromptTemplate {
 public:
  explicit PromptTemplate(const std::string& text);

  // Strings are inserted as-is; numbers, booleans, arrays and objects as compact JSON.
  // Throws std::out_of_range naming the first field missing from `row`.
  std::string render(const nlohmann::json& row) const;
  const std::vector<std::string>& fields() const { return fields_; }

 private:
  struct Piece {
    bool is_field;
    std::string text;  // literal text, or the field name
  };
  std::vector<Piece> pieces_;
  std::vector<std::string> fields_;
};

}  // namespace gauntlet::harness
