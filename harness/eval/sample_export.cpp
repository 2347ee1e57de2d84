#include "harness/eval/sample_export.h"

#include "harness/clients/chat.h"

namespace gauntlet::harness {

nlohmann::json sample_to_json(const SampleRecord& r) {
  nlohmann::json j;
  j["model"] = r.key.model;
  j["task"] = r.key.task;
  j["item_id"] = r.key.item_id;
  j["sample_index"] = r.key.sample_index;
  // Chat prompts are stored as their message list; expose both the list and the user text.
  nlohmann::json messages;
  if (!r.prompt.empty() && r.prompt.front() == '[') {
    messages = nlohmann::json::parse(r.prompt, nullptr, false);
    if (messages.is_discarded() || !messages.is_array()) messages = nullptr;
  }
  if (messages.is_array()) {
    std::string user;
    for (const auto& m : messages)
      if (m.value("role", "") == "user") user = m.value("content", "");
    j["prompt"] = user;
    j["messages"] = messages;
  } else {
    j["prompt"] = r.prompt;
  }
  j["completion"] = r.completion;
  j["reasoning"] = r.reasoning;
  j["answer"] = r.answer ? nlohmann::json(*r.answer) : nlohmann::json(nullptr);
  j["reference"] = r.reference;
  j["score"] = r.score;
  j["correct"] = r.correct;
  j["finish_reason"] = r.finish_reason;
  j["error"] = r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error);
  j["usage"] = {{"prompt_tokens", r.usage.prompt_tokens},
                {"completion_tokens", r.usage.completion_tokens},
                {"reasoning_tokens", r.usage.reasoning_tokens},
                {"cached_tokens", r.usage.cached_tokens}};
  j["latency_s"] = r.latency_s;
  j["retries"] = r.retries;
  j["cached"] = r.cached;
  j["run_id"] = r.run_id;
  j["created_at"] = r.created_at;
  if (!r.logprobs_json.empty()) j["logprobs"] = nlohmann::json::parse(r.logprobs_json, nullptr, false);
  if (!r.token_ids_json.empty()) j["token_ids"] = nlohmann::json::parse(r.token_ids_json, nullptr, false);
  if (!r.routing_json.empty()) j["routing"] = nlohmann::json::parse(r.routing_json, nullptr, false);
  if (!r.budget_json.empty()) j["budget"] = nlohmann::json::parse(r.budget_json, nullptr, false);
  if (!r.details_json.empty()) j["details"] = nlohmann::json::parse(r.details_json, nullptr, false);
  return j;
}

std::int64_t export_samples(Store& store, std::ostream& out) {
  std::int64_t n = 0;
  store.for_each_sample([&](const SampleRecord& r) {
    out << dump_json(sample_to_json(r)) << '\n';
    ++n;
  });
  return n;
}

}  // namespace gauntlet::harness
