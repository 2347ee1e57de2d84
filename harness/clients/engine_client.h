#pragma once
// EngineClient: a ModelClient on the in-tree MoE engine (provider `engine`, a local Hugging Face
// checkpoint directory). Chats are rendered with the model's own chat template, every
// chat_template_kwargs key passed to it (e.g. enable_thinking: false); the answer is split from <think>…</think> like a
// server's; token ids and, when asked, logprobs come straight from the sampler. One worker thread:
// requests run one at a time, each with its own seed (seed + nothing else decides its tokens;
// without a seed, the sample index is the seed). The model config's routing controls become the
// engine's defaults; with routing.trace each choice carries a routing summary.
#include <memory>

#include <nlohmann/json.hpp>

#include "harness/clients/serial_client.h"
#include "harness/clients/model_spec.h"

namespace gauntlet::engine {
class Engine;
}

namespace gauntlet::harness {

class EngineClient : public SerialClient {
 public:
  // Loads the model; throws ConfigError naming the model and the checkpoint problem.
  explicit EngineClient(const ModelSpec& config);
  ~EngineClient() override;

  ChatResult answer(const ChatRequest& request);  // synchronous, for tests

 private:
  ChatResult respond(const ChatRequest& request) override { return answer(request); }

  ModelSpec config_;
  std::unique_ptr<engine::Engine> engine_;
  nlohmann::ordered_json kwargs_ = nlohmann::ordered_json::object();  // chat_template_kwargs
  bool trace_ = false;  // routing.trace: attach a routing summary to every choice
};

}  // namespace gauntlet::harness
