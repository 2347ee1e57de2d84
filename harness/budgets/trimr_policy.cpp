#include "harness/budgets/trimr_policy.h"

#include "harness/clients/model_spec.h"

namespace gauntlet::harness {

const char* TrimRPolicy::verifier_name() const {
  return verifier == TrimRVerifierKind::kModel ? "model" : "extract";
}

const char* TrimRPolicy::cut_at_name() const { return cut_at == TrimRCutAt::kDecision ? "decision" : "boundary"; }

nlohmann::json TrimRPolicy::fingerprint_json() const {
  nlohmann::json v = {{"kind", verifier_name()}, {"async", async}};
  if (verifier == TrimRVerifierKind::kExtract) {
    v["pattern"] = extract.pattern;
    v["last_number"] = extract.last_number;
  } else {
    v["model"] = verifier_model ? verifier_model->fingerprint_json() : nlohmann::json(nullptr);
    v["max_tokens"] = model.max_tokens;
    v["p1_prompt"] = model.p1_prompt;
    v["p2_prompt"] = model.p2_prompt;
    v["last_sentences"] = model.last_sentences;
  }
  nlohmann::json rep = rules.repetition.enabled
                           ? nlohmann::json{{"max_period", rules.repetition.max_period},
                                            {"min_repeats", rules.repetition.min_repeats},
                                            {"min_span", rules.repetition.min_span}}
                           : nlohmann::json(false);
  return {{"thinking_tokens", rules.thinking_tokens},
          {"m", rules.m},
          {"r_thres", rules.r_thres},
          {"n_thres", rules.n_thres},
          {"repetition", rep},
          {"markers", markers},
          {"verifier", v},
          {"conclude_prompt", conclude_prompt},
          {"forceful_prompt", forceful_prompt},
          {"repetition_prompt", repetition_prompt},
          {"close", close},
          {"cut_at", cut_at_name()},
          {"answer_tokens", answer_tokens ? nlohmann::json(*answer_tokens) : nlohmann::json(nullptr)}};
}

}  // namespace gauntlet::harness
