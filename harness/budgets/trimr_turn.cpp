#include "harness/budgets/trimr_turn.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <stdexcept>

#include "harness/budgets/trimr_monitor.h"
#include "harness/clients/reasoning.h"

namespace gauntlet::harness {
namespace {

nlohmann::json number_or_null(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

}  // namespace

std::string problem_text(const ChatRequest& request) {
  for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it)
    if (it->role == "user") return it->content;
  return request.prompt;
}

ChatResult run_trimr_turn(ContinuableClient& client, ThoughtVerifier& verifier, const TrimRPolicy& policy,
                          const ChatRequest& request, const std::atomic<bool>* cancelled) {
  const auto start = std::chrono::steady_clock::now();
  ChatResult result;
  auto finish = [&](ChatResult& r) -> ChatResult {
    r.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(r);
  };
  if (request.n != 1) {
    result.error = "trimr: a request must ask for one choice (n = 1)";
    result.failure = Failure::kRejected;
    return finish(result);
  }
  std::unique_ptr<Continuation> turn;
  try {
    turn = client.open(request);
  } catch (const std::exception& e) {
    result.error = e.what();
    result.failure = Failure::kRejected;
    return finish(result);
  }
  auto failed = [&](const SegmentResult& s) {
    result.error = s.error;
    result.failure = s.failure == Failure::kNone ? Failure::kTransient : s.failure;
    result.retries += s.retries;
    return finish(result);
  };

  TrimRMonitor monitor(policy.rules, policy.markers, verifier, problem_text(request), policy.async);
  SegmentLimits think;
  think.max_tokens = policy.rules.thinking_tokens;
  think.stop_at_think_close = true;
  think.stop = request.params.stop;
  const SegmentResult thought = turn->segment(
      "", think, [&](std::string_view text, int tokens) { return monitor.on_token(text, tokens) == CutReason::kNone; });
  monitor.finish();
  result.retries += thought.retries;
  if (!thought.ok()) return failed(thought);

  CutReason reason = CutReason::kNone;
  nlohmann::json cut_position = nullptr;
  std::string append;
  Rewound rewound;
  std::string rewind_error;
  if (thought.finish == "aborted") {
    reason = monitor.decision();
    cut_position = monitor.cut_position();
    // At the boundary: the turn goes back to the last whole token before the thought's end; the
    // bytes between that token and the end (a "." whose token also held the newline) are appended
    // again ahead of the prompt.
    std::string kept_tail;
    const auto boundary = monitor.converged_end();
    if (boundary && policy.cut_at == TrimRCutAt::kBoundary && *boundary <= thought.text.size()) {
      try {
        rewound = turn->rewind(*boundary);
        cut_position = thought.tokens - rewound.tokens;
        const std::size_t kept = thought.text.size() - std::min(rewound.bytes, thought.text.size());
        if (kept < *boundary) kept_tail = thought.text.substr(kept, *boundary - kept);
      } catch (const std::logic_error& e) {
        rewind_error = e.what();  // the cut stays where the decision was made
      }
    }
    const std::string& prompt = reason == CutReason::kConverged       ? policy.conclude_prompt
                                : reason == CutReason::kUnderthinking ? policy.forceful_prompt
                                                                      : policy.repetition_prompt;
    append = kept_tail + prompt + policy.close;
  } else if (thought.finish == "length") {
    reason = CutReason::kCap;
    cut_position = thought.tokens;
    append = policy.close;
  } else if (thought.finish == "think_close") {
    append = "</think>";
  }
  SegmentResult answer;
  if (!append.empty() && cancelled && cancelled->load()) {
    result.error = "cancelled: the run was interrupted before this request was answered";
    result.failure = Failure::kCancelled;
    return finish(result);
  }
  if (!append.empty()) {
    SegmentLimits limits;
    limits.max_tokens = policy.answer_tokens.value_or(request.params.max_tokens.value_or(512));
    limits.stop = request.params.stop;
    answer = turn->segment(append, limits);
    result.retries += answer.retries;
    if (!answer.ok()) return failed(answer);
  }

  Choice choice;
  split_reasoning(turn->turn_text(), std::nullopt, std::nullopt, choice);
  const std::string& last_finish = append.empty() ? thought.finish : answer.finish;
  choice.finish_reason = last_finish == "length" || last_finish == "context" ? last_finish : "stop";
  const int thinking_tokens = thought.tokens - rewound.tokens;
  choice.token_ids = thought.token_ids;
  if (rewound.tokens > 0 && choice.token_ids.size() >= static_cast<std::size_t>(rewound.tokens))
    choice.token_ids.resize(choice.token_ids.size() - static_cast<std::size_t>(rewound.tokens));
  choice.token_ids.insert(choice.token_ids.end(), answer.token_ids.begin(), answer.token_ids.end());
  const int tokens = thinking_tokens + answer.tokens;
  const double sc_sum = thought.self_certainty_sum + (append.empty() ? 0.0 : answer.self_certainty_sum);
  nlohmann::json record = monitor.record();
  record["policy"] = "trimr";
  record["params"] = policy.fingerprint_json();
  record["thinking_tokens"] = thinking_tokens;
  record["cut_at"] = policy.cut_at_name();
  record["rewound_tokens"] = rewound.tokens;  // decoded after the boundary, then dropped (cost, not in the turn)
  if (!rewind_error.empty()) record["rewind_error"] = rewind_error;
  record["answer_tokens"] = answer.tokens;
  record["cut_reason"] = to_string(reason);
  record["cut_position"] = cut_position;
  record["injected"] = append.empty() ? nlohmann::json(nullptr) : nlohmann::json(append);
  record["verifier"] = verifier.kind();
  record["method"] = turn->method();
  const int scored = thought.tokens + answer.tokens;  // rewound tokens included: their sum is in sc_sum
  record["self_certainty"] = number_or_null(scored > 0 ? sc_sum / scored : NAN);
  if (thought.self_certainty_approximate || answer.self_certainty_approximate) record["self_certainty_approximate"] = true;
  choice.budget = std::move(record);
  result.choices.push_back(std::move(choice));
  result.usage.completion_tokens = tokens;
  result.usage.reasoning_tokens = thinking_tokens;
  return finish(result);
}

}  // namespace gauntlet::harness
