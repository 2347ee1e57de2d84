#include "harness/budgets/budget_forcing.h"

#include <chrono>
#include <cmath>
#include <optional>

#include "harness/clients/reasoning.h"

namespace gauntlet::harness {

namespace {

using Clock = std::chrono::steady_clock;

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// "</think>" -> "<think>": the opening delimiter that pairs with the closing one.
std::string opening_of(const std::string& close) {
  if (close.size() > 3 && close.rfind("</", 0) == 0) return "<" + close.substr(2);
  return "<think>";
}

struct Turn {
  Choice choice;
  std::int64_t generated = 0, thinking = 0;
  std::string error;
  Failure failure = Failure::kNone;
  int retries = 0;
};

Turn run_turn(ContinuableClient& client, const ChatRequest& request, const BudgetPolicy& policy,
              const std::atomic<bool>* cancelled) {
  Turn out;
  std::unique_ptr<Continuation> turn;
  try {
    turn = client.open(request);
  } catch (const std::exception& e) {
    out.error = e.what();
    out.failure = Failure::kRejected;
    return out;
  }
  const int answer_limit = policy.answer_tokens.value_or(request.params.max_tokens.value_or(kDefaultAnswerTokens));
  const std::string delimiter = trimmed(policy.close);
  nlohmann::json segments = nlohmann::json::array();
  std::vector<std::int32_t> ids;
  int extensions = 0;
  std::optional<int> cut_at;
  std::optional<std::size_t> reasoning_end, answer_begin;  // offsets in turn_text around the appended close
  bool thinking_turn = true;
  SegmentResult last;
  double sc_sum = 0.0;  // self-certainty summed over every generated token (NaN once a segment lacks it)
  bool sc_approximate = false;
  auto run = [&](const char* mode, const std::string& append, const SegmentLimits& limits) {
    if (cancelled && cancelled->load()) {
      last = SegmentResult{};
      last.error = "cancelled: the run was interrupted before this request was answered";
      last.failure = Failure::kCancelled;
      return false;
    }
    last = turn->segment(append, limits);
    sc_sum += last.self_certainty_sum;
    sc_approximate = sc_approximate || last.self_certainty_approximate;
    segments.push_back({{"mode", mode}, {"appended_tokens", last.appended_tokens}, {"tokens", last.tokens},
                        {"finish", last.finish}});
    out.retries += last.retries;
    ids.insert(ids.end(), last.token_ids.begin(), last.token_ids.end());
    out.generated += last.tokens;
    return last.ok();
  };
  auto failed = [&] {
    out.error = last.error;
    out.failure = last.failure;
    return out;
  };

  // Thinking.
  std::string append;
  bool answer = false;
  for (;;) {
    SegmentLimits limits;
    limits.max_tokens = policy.thinking_tokens - static_cast<int>(out.thinking);
    limits.stop_at_think_close = true;
    limits.stop = request.params.stop;
    if (!run("think", append, limits)) return failed();
    if (last.finish != "think_close" && last.thinking_open == false && out.thinking == 0) {
      thinking_turn = false;  // no think block open: what came is answer
      break;
    }
    out.thinking += last.tokens;
    if (last.finish == "think_close") {
      if (out.thinking < policy.min_thinking_tokens && extensions < policy.max_extensions) {
        ++extensions;
        append = policy.extend;
        continue;
      }
      reasoning_end = turn->turn_text().size();
      append = delimiter;  // the model's own close, which was held back
      answer = true;
      break;
    }
    if (last.finish == "length") {
      cut_at = static_cast<int>(out.thinking);
      reasoning_end = turn->turn_text().size();
      append = policy.close + policy.cue;
      answer = true;
      break;
    }
    break;  // "stop", "context", "aborted": the turn ended inside thinking
  }
  const std::int64_t thinking = out.thinking;
  if (answer) {
    SegmentLimits limits;
    limits.max_tokens = answer_limit;
    limits.stop = request.params.stop;
    const std::size_t before = turn->turn_text().size();
    if (!run("answer", append, limits)) return failed();
    answer_begin = before + (cut_at ? policy.close.size() : delimiter.size());
  } else if (!thinking_turn && last.finish == "length" && answer_limit > last.tokens) {
    SegmentLimits limits;
    limits.max_tokens = answer_limit - last.tokens;
    limits.stop = request.params.stop;
    if (!run("answer", "", limits)) return failed();
  }

  // The choice, split where the close was appended.
  const std::string& text = turn->turn_text();
  Choice& c = out.choice;
  if (!reasoning_end && thinking_turn && out.thinking > 0) reasoning_end = answer_begin = text.size();  // never closed
  if (reasoning_end) {
    const std::string open = opening_of(delimiter);
    std::size_t open_at = text.find_first_not_of(" \t\r\n");
    std::size_t begin = 0;
    if (open_at != std::string::npos && open_at < *reasoning_end && text.compare(open_at, open.size(), open) == 0)
      begin = open_at + open.size();
    else
      open_at = 0;
    split_reasoning_at(text, {open_at, begin, *reasoning_end, *answer_begin}, c);
    drop_stray_think_block(c);
  } else {
    split_reasoning(text, std::nullopt, std::nullopt, c);
  }
  c.finish_reason = last.finish;
  c.token_ids = ids;
  const std::int64_t answer_tokens = out.generated - thinking;
  c.budget = {{"policy", policy.name()},
              {"params", policy.fingerprint_json()},
              {"thinking_tokens", thinking},
              {"answer_tokens", answer_tokens},
              {"cut_reason", cut_at ? "cap" : "none"},
              {"cut_position", cut_at ? nlohmann::json(*cut_at) : nlohmann::json(nullptr)},
              {"extensions", extensions},
              {"method", turn->method()},
              {"segments", segments}};
  c.budget["params"].erase("policy");
  // The mean over the turn's generated tokens (the `parallel` policy's selection reads it).
  c.budget["self_certainty"] = out.generated > 0 && !std::isnan(sc_sum)
                                   ? nlohmann::json(sc_sum / static_cast<double>(out.generated))
                                   : nlohmann::json(nullptr);
  if (sc_approximate) c.budget["self_certainty_approximate"] = true;
  return out;
}

}  // namespace

ChatResult run_budget_forcing(ContinuableClient& client, const ChatRequest& request, const BudgetPolicy& policy,
                              const std::atomic<bool>* cancelled) {
  const auto start = Clock::now();
  ChatResult result;
  const int n = std::max(1, request.n);
  for (int i = 0; i < n; ++i) {
    if (cancelled && cancelled->load()) {
      result.error = "cancelled: the run was interrupted before this request was answered";
      result.failure = Failure::kCancelled;
      break;
    }
    ChatRequest one = request;
    one.n = 1;
    if (n > 1) one.params.seed = request.params.seed.value_or(request.sample_index) + i;
    Turn t = run_turn(client, one, policy, cancelled);
    result.retries += t.retries;
    if (!t.error.empty()) {
      result.error = t.error;
      result.failure = t.failure;
      break;
    }
    result.usage.completion_tokens += t.generated;
    result.usage.reasoning_tokens += t.thinking;
    result.choices.push_back(std::move(t.choice));
  }
  if (!result.error.empty()) result.choices.clear();
  result.latency_s = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace gauntlet::harness
