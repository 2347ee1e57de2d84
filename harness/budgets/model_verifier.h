#pragma once
// ModelVerifier: TrimR's model verifier (budgets.md §3.2). Any ModelClient answers p1 and p2 as
// one-turn chats built from our prompts (below; configurable, stored with the run's record) over the
// last `last_sentences` sentences of each thought; greedy (temperature 0), at most `max_tokens`
// tokens. The reply's first word decides: "yes" / "no" (case, leading spaces and punctuation
// ignored); anything else, or a failed request, throws VerifierError.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/budgets/thought_verifier.h"
#include "harness/budgets/verifier_options.h"
#include "harness/clients/model_client.h"

namespace gauntlet::harness {

class ModelVerifier : public ThoughtVerifier {
 public:
  // `client` must outlive the verifier.
  ModelVerifier(ModelClient& client, ModelVerifierOptions options = {});

  const char* kind() const override { return "model"; }
  AnswerCheck p1(const std::string& problem, const Thought& thought) override;
  bool p2(const std::string& problem, const Thought& a, const AnswerCheck& a_check, const Thought& b,
          const AnswerCheck& b_check) override;

 private:
  bool ask(const std::string& prompt);

  ModelClient& client_;
  ModelVerifierOptions options_;
};

// The reply's verdict: its first word, "yes" or "no"; nullopt for anything else.
std::optional<bool> parse_yes_no(std::string_view reply);
// The last `n` sentences of `text` (n <= 0: all of it), trimmed. A sentence ends at '.', '!' or '?'
// followed by whitespace, or at a line break; blank pieces do not count.
std::string last_sentences(std::string_view text, int n);
// `prompt` with each {key} replaced by its value (one pass: values are not scanned again).
std::string fill_prompt(std::string_view prompt, const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace gauntlet::harness
