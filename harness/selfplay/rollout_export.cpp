#include "harness/selfplay/rollout_export.h"

#include "harness/clients/chat.h"

namespace gauntlet::harness {
namespace {

nlohmann::json array_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_array() ? j : nlohmann::json(nullptr);
}

nlohmann::json object_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

}  // namespace

nlohmann::json rollout_to_json(const RolloutRecord& r) {
  nlohmann::json j;
  j["prompt"] = r.prompt;
  j["response"] = r.completion;
  j["prompt_ids"] = array_or_null(r.prompt_ids_json);
  j["response_ids"] = array_or_null(r.response_ids_json);
  j["response_logprobs"] = array_or_null(r.response_logprobs_json);
  j["reward"] = r.reward ? nlohmann::json(*r.reward) : nlohmann::json(nullptr);
  j["advantage"] = r.advantage ? nlohmann::json(*r.advantage) : nlohmann::json(nullptr);
  j["uid"] = r.group_id;
  j["run"] = r.key.run;
  j["step"] = r.key.step;
  j["task_type"] = r.key.task_type;
  j["role"] = r.key.role;
  j["slot"] = r.key.slot;
  j["sample"] = r.key.sample;
  j["task_id"] = r.task_id;
  j["model"] = r.model;
  j["messages"] = array_or_null(r.messages_json);
  if (!r.routing_json.empty()) j["routing"] = nlohmann::json::parse(r.routing_json, nullptr, false);
  if (!r.budget_json.empty()) j["budget"] = nlohmann::json::parse(r.budget_json, nullptr, false);
  j["reasoning"] = r.reasoning;
  j["answer_text"] = r.answer_text;
  j["finish_reason"] = r.finish_reason;
  j["format_ok"] = r.format_ok;
  j["outcome"] = r.outcome;
  j["score"] = r.score;
  j["details"] = object_or_null(r.details_json);
  j["usage"] = {{"prompt_tokens", r.prompt_tokens}, {"completion_tokens", r.completion_tokens}};
  j["latency_s"] = r.latency_s;
  j["run_id"] = r.run_id;
  j["created_at"] = r.created_at;
  return j;
}

std::int64_t export_rollouts(Store& store, std::ostream& out) {
  std::int64_t n = 0;
  store.for_each_rollout(
      [&](const RolloutRecord& r) {
        out << dump_json(rollout_to_json(r)) << '\n';
        ++n;
      },
      /*finished_only=*/true);
  return n;
}

}  // namespace gauntlet::harness
