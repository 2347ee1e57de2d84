#pragma once
// TrimRPolicy: the `trimr` budget policy's settings (plain data; read by budgets/policy_reader.cpp,
// run by budgets/trimr_turn.h). Thinking is watched thought by thought (budgets/trimr_monitor.h);
// on a cut the segment stops, the reason's prompt and `close` are appended, and the model answers.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/budgets/thought_splitter.h"
#include "harness/budgets/trimr_rules.h"
#include "harness/budgets/verifier_options.h"

namespace gauntlet::harness {

struct ModelSpec;

// Ours (the paper's are not public in full); each is followed by `close`.
inline constexpr const char* kTrimRConcludePrompt =
    "\n\nI keep reaching the same answer, so I am confident in it. I will stop thinking now and give the final answer.";
inline constexpr const char* kTrimRForcefulPrompt =
    "\n\nI think I already thought for a long time, and I must stop thinking now and give my best final answer.";
inline constexpr const char* kTrimRClose = "\n</think>\n\n";

enum class TrimRVerifierKind { kExtract, kModel };

// Where a converged cut lands: at the end of the thought that completed the run (the tokens
// decoded after it, the next thought's marker among them, are dropped from the turn: rewound) or
// wherever decoding is when the decision is made (after the marker; later with an async verifier).
enum class TrimRCutAt { kBoundary, kDecision };

struct TrimRPolicy {
  TrimROptions rules;  // thinking_tokens (M_max, the cap), m, r_thres, n_thres, repetition
  std::vector<std::string> markers = default_reflection_markers();
  TrimRVerifierKind verifier = TrimRVerifierKind::kExtract;
  ExtractOptions extract;                           // verifier: extract
  ModelVerifierOptions model;                       // verifier: model
  std::shared_ptr<const ModelSpec> verifier_model;  // verifier: model (an inline model entry)
  bool async = false;  // checks run while decoding goes on (default: true for model, false for extract)
  std::string conclude_prompt = kTrimRConcludePrompt;  // converged
  std::string forceful_prompt = kTrimRForcefulPrompt;  // underthinking
  std::string repetition_prompt;                       // repetition ("" = none)
  std::string close = kTrimRClose;                     // after the prompt; alone at the cap
  TrimRCutAt cut_at = TrimRCutAt::kBoundary;           // converged cuts only
  std::optional<int> answer_tokens;  // the answer segment's limit; unset: the request's max_tokens (512 if unset)

  const char* verifier_name() const;  // "extract" | "model"
  const char* cut_at_name() const;    // "boundary" | "decision"
  nlohmann::json fingerprint_json() const;
};

}  // namespace gauntlet::harness
