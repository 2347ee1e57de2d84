#pragma once
// Lexer: Jinja template text -> tokens, exactly as Jinja2's lexer does it with trim_blocks and
// lstrip_blocks on: newlines normalised to "\n" and one trailing newline dropped, `{{ }}` `{% %}`
// `{# #}` and `{% raw %}`, whitespace control with `-` and `+`, brace balancing inside tags, and
// string literals unescaped as Python's unicode-escape codec does. Throws TemplateError (kSyntax).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gauntlet::engine::jinja {

enum class Tok : std::uint8_t {
  kData, kVariableBegin, kVariableEnd, kBlockBegin, kBlockEnd,
  kName, kString, kInteger, kFloat,
  kAdd, kSub, kDiv, kFloorDiv, kMul, kMod, kPow, kTilde,
  kLBracket, kRBracket, kLParen, kRParen, kLBrace, kRBrace,
  kEq, kNe, kGt, kGtEq, kLt, kLtEq, kAssign, kDot, kColon, kPipe, kComma, kSemicolon,
  kEof,
};

struct Token {
  Tok type = Tok::kEof;
  int line = 1;
  std::string text;        // data, names, unescaped string literals, operator text
  std::int64_t integer = 0;
  double number = 0;
};

struct LexerOptions {
  bool trim_blocks = true;
  bool lstrip_blocks = true;
};

std::vector<Token> tokenize(std::string_view source, const LexerOptions& options = {});

// How Jinja2 names a token in messages ("end of print statement", "'('", a name as itself).
std::string describe(const Token& token);
std::string describe(Tok type);

}  // namespace gauntlet::engine::jinja
