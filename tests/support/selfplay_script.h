#pragma once
// The scripted self-play "model" of the fake OpenAI server (FakeServerOptions::script = "selfplay").
// It recognises Gauntlet's self-play prompts by their titles (harness/selfplay/prompts.h) and
// answers deterministically from a hash of the prompt key (prompt text + seed), so every request
// of a self-play run gets a fixed answer while different samples of one problem differ.
//
// Proposers of programs (deduction, abduction) return, by hash: valid programs of two families the
// script can also solve (f(x) = x * K + C on an integer, f(s) = s[::-1] + s on a word), and
// invalid ones: a forbidden import, two functions, a nested function, a syntax error, no f, a
// hash-order dependent (non-deterministic) result, an endless loop (slow: hits the time limit), a
// runtime error, an over-long output, an input that is not one call, no <answer> block, and an
// answer without <think>. Proposers of inputs (induction) return ten inputs and a message naming
// the family, or too few inputs, no message, a bad input, or no answer block.
// Solvers answer right, wrong, or without the format, by hash, and their reasoning says which
// ("I checked this carefully." / "I am guessing here."); wrong abduction answers alternate
// between an off-by-one input and an injection ("0) if 0 else (<gold>") that a careless verifier
// would accept. Programs outside the two families and the identity seed get a wrong answer.
#include <optional>
#include <string>
#include <string_view>

namespace gauntlet::testing {

struct ScriptedReply {
  std::string thinking;  // "" for a reply without reasoning
  std::string answer;    // the text after the reasoning
};

// nullopt when the prompt is not a self-play prompt.
std::optional<ScriptedReply> selfplay_reply(std::string_view prompt, std::string_view key);

// The same fractions the script uses, for tests that want to reason about them.
inline constexpr double kScriptSolverFormatErrorRate = 0.05;
inline constexpr double kScriptSolverWrongRate = 0.30;
inline constexpr const char* kScriptSolverSure = "I checked this carefully.";
inline constexpr const char* kScriptSolverGuessing = "I am guessing here.";

}  // namespace gauntlet::testing
