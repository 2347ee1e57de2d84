#include "harness/budgets/parallel_turn.h"

#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>

#include "harness/budgets/extract_verifier.h"
#include "verifiers/math_normalizer.h"

namespace gauntlet::harness {
namespace {

struct Group {
  ParallelPolicy policy;
  ChatRequest request;
  ModelClient::Callback done;
  std::chrono::steady_clock::time_point start;
  std::vector<std::int64_t> seeds;
  std::mutex mutex;
  std::vector<ChatResult> results;
  int pending = 0;
};

double sample_self_certainty(const Choice& c) {
  if (c.budget.is_object() && c.budget.contains("self_certainty") && c.budget["self_certainty"].is_number())
    return c.budget["self_certainty"].get<double>();
  return NAN;
}

void aggregate(Group& g) {
  ChatResult out;
  std::vector<SampleSummary> summaries;
  std::vector<int> index_of;  // summaries[k] is sample index_of[k]
  nlohmann::json samples = nlohmann::json::array();
  Usage usage;
  int retries = 0;
  for (std::size_t i = 0; i < g.results.size(); ++i) {
    const ChatResult& r = g.results[i];
    usage.prompt_tokens += r.usage.prompt_tokens;
    usage.completion_tokens += r.usage.completion_tokens;
    usage.reasoning_tokens += r.usage.reasoning_tokens;
    usage.cached_tokens += r.usage.cached_tokens;
    retries += r.retries;
    nlohmann::json s = {{"index", i}, {"seed", g.seeds[i]}};
    if (!r.ok() || r.choices.empty()) {
      s["error"] = r.ok() ? "no choice" : r.error;
      samples.push_back(std::move(s));
      continue;
    }
    const Choice& c = r.choices[0];
    SampleSummary sum;
    sum.answer = final_answer_key(c.text, g.policy.answer);
    sum.self_certainty = sample_self_certainty(c);
    if (g.request.answer_check) {
      try {
        sum.check = g.request.answer_check(c.text);
      } catch (const std::exception& e) {
        s["check_error"] = e.what();
      }
    }
    s["text"] = c.text;
    s["answer"] = sum.answer ? nlohmann::json(*sum.answer) : nlohmann::json(nullptr);
    s["self_certainty"] = std::isnan(sum.self_certainty) ? nlohmann::json(nullptr) : nlohmann::json(sum.self_certainty);
    if (sum.check) s["check"] = *sum.check;
    s["finish_reason"] = c.finish_reason;
    s["completion_tokens"] = r.usage.completion_tokens;
    s["reasoning_tokens"] = r.usage.reasoning_tokens;
    s["record"] = c.budget;
    samples.push_back(std::move(s));
    summaries.push_back(std::move(sum));
    index_of.push_back(static_cast<int>(i));
  }
  if (summaries.empty()) {
    out = g.results.front();
    if (out.ok()) out.error = "parallel: no sample returned a choice";
    if (out.failure == Failure::kNone) out.failure = Failure::kTransient;
  } else {
    const Selection sel = select_sample(summaries, g.policy.select, g.policy.borda_p, g.policy.fallback);
    const int chosen = index_of[static_cast<std::size_t>(sel.chosen)];
    out = std::move(g.results[static_cast<std::size_t>(chosen)]);
    nlohmann::json record = {{"policy", "parallel"},
                             {"params", g.policy.fingerprint_json()},
                             {"n", g.policy.n},
                             {"select", to_string(g.policy.select)},
                             {"decided_by", to_string(sel.decided_by)},
                             {"chosen", chosen},
                             {"votes", sel.votes},
                             {"samples", std::move(samples)},
                             // Cost over every sample, as the other policies' records count tokens.
                             {"thinking_tokens", usage.reasoning_tokens},
                             {"answer_tokens", usage.completion_tokens - usage.reasoning_tokens}};
    // Over HTTP self-certainty comes from top logprobs only: say so once for the group.
    for (const auto& s : record["samples"])
      if (s.contains("record") && s["record"].is_object() && s["record"].value("self_certainty_approximate", false))
        record["self_certainty_approximate"] = true;
    out.choices.resize(1);
    out.choices[0].budget = std::move(record);
    out.usage = usage;
  }
  out.retries = retries;
  out.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - g.start).count();
  out.from_cache = false;
  g.done(std::move(out));
}

}  // namespace

std::optional<std::string> final_answer_key(const std::string& text, const ExtractOptions& options) {
  Thought t;
  t.text = text;
  const AnswerCheck a = ExtractVerifier(options).p1("", t);
  if (!a.has_answer) return std::nullopt;
  std::string key = verifiers::normalize_math_answer(a.answer);
  if (key.empty()) return std::nullopt;
  return key;
}

void run_parallel(ModelClient& inner, const ParallelPolicy& policy, ChatRequest request, ModelClient::Callback done) {
  auto g = std::make_shared<Group>();
  g->policy = policy;
  g->done = std::move(done);
  g->start = std::chrono::steady_clock::now();
  g->results.resize(static_cast<std::size_t>(policy.n));
  g->pending = policy.n;
  const std::int64_t base = request.params.seed.value_or(request.sample_index);
  std::vector<ChatRequest> samples;
  for (int i = 0; i < policy.n; ++i) {
    ChatRequest r = request;
    r.n = 1;
    r.answer_check = nullptr;
    r.self_certainty = true;
    r.params.seed = static_cast<std::int64_t>(static_cast<std::uint64_t>(base) * static_cast<std::uint64_t>(policy.n) +
                                              static_cast<std::uint64_t>(i));
    g->seeds.push_back(*r.params.seed);
    samples.push_back(std::move(r));
  }
  g->request = std::move(request);
  for (int i = 0; i < policy.n; ++i) {
    inner.submit_async(std::move(samples[static_cast<std::size_t>(i)]), [g, i](ChatResult r) {
      bool last = false;
      {
        std::lock_guard lock(g->mutex);
        g->results[static_cast<std::size_t>(i)] = std::move(r);
        last = --g->pending == 0;
      }
      if (last) aggregate(*g);
    });
  }
}

}  // namespace gauntlet::harness
