#pragma once
// The settings of TrimR's two verifiers (plain data; the verifiers are budgets/extract_verifier.h
// and budgets/model_verifier.h).
#include <string>

namespace gauntlet::harness {

// extract: where a thought's (or a final text's) candidate answer is.
struct ExtractOptions {
  std::string pattern;       // "" = the math extraction
  bool last_number = true;   // the math extraction falls back to the last number
};

// model: what the verifier model is asked.
// Placeholders: {problem}, and {thought} (p1) or {a} and {b} (p2).
inline constexpr const char* kDefaultP1Prompt =
    "You check one step of someone's reasoning about a problem.\n\n"
    "Problem:\n{problem}\n\n"
    "Reasoning step:\n{thought}\n\n"
    "Does this reasoning step reach a final answer to the problem (a concluding result, not an "
    "intermediate value)? Reply with one word: yes or no.";
inline constexpr const char* kDefaultP2Prompt =
    "You compare two steps of someone's reasoning about a problem.\n\n"
    "Problem:\n{problem}\n\n"
    "Step A:\n{a}\n\n"
    "Step B:\n{b}\n\n"
    "Do steps A and B reach the same final answer (mathematically or logically equivalent)? Reply "
    "with one word: yes or no.";

struct ModelVerifierOptions {
  int last_sentences = 50;  // the verifier sees each thought's last N sentences
  int max_tokens = 16;      // of the verifier's reply
  std::string p1_prompt = kDefaultP1Prompt;
  std::string p2_prompt = kDefaultP2Prompt;
};

}  // namespace gauntlet::harness
