#pragma once
// ToyClient: a deterministic stand-in model for demos and tests with no network and no weights.
// It solves the first "A + B", "A - B" or "A * B" in the last user message (or the raw prompt),
// writes a step-by-step <think> trace in the testbed's style, and answers "The answer is \boxed{N}".
// Whether an answer is right is a hash of (prompt, seed, sample index) against `toy_accuracy`
// (`toy_nothink_accuracy` when chat_template_kwargs.enable_thinking is false), so reruns agree.
#include "harness/clients/serial_client.h"
#include "harness/clients/model_spec.h"

namespace gauntlet::harness {

class ToyClient : public SerialClient {
 public:
  // `config` must hold a ToySpec.
  explicit ToyClient(const ModelSpec& config);
  ~ToyClient() override { stop(); }

  // The pure function behind submit_async (exposed for tests).
  ChatResult answer(const ChatRequest& request) const;

 private:
  ChatResult respond(const ChatRequest& request) override { return answer(request); }

  ToySpec toy_;
  bool thinking_ = true;
};

}  // namespace gauntlet::harness
