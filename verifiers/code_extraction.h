#pragma once
// Fenced blocks (```kind … ```) in model answers, and the code a code scorer runs: the last block
// in the wanted language, else the last block without a language, else (configurable) the whole
// answer. Pure text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gauntlet::verifiers {

struct FencedBlock {
  std::string kind;     // the word after the opening fence, lower-cased ("" when none)
  std::string body;     // leading blank lines and trailing whitespace removed
  bool closed = true;   // false: the answer ended inside this block (only with keep_unterminated)
};

// Every complete ```kind … ``` block in order. An unterminated last fence is ignored, or, with
// keep_unterminated, returned (closed = false) with the rest of the text as its body (an answer cut
// off by max_tokens inside its code).
std::vector<FencedBlock> fenced_blocks(std::string_view text, bool keep_unterminated = false);

enum class CodeFallback {
  kWholeAnswer,  // no fitting block: the whole answer is the code
  kNone,         // no fitting block: no code
};

// The code in `answer`: the body of the last block whose kind is one of `languages` (lower case),
// else of the last block with no kind, else the whole answer (trimmed of blank lines) or nullopt as
// `fallback` says. nullopt too when the result is empty.
std::optional<std::string> extract_code(std::string_view answer, const std::vector<std::string>& languages,
                                        CodeFallback fallback);

}  // namespace gauntlet::verifiers
