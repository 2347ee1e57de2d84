#pragma once
// ToyClient: a deterministic stand-in model for demos and tests with no network and no weights.
// It solves the first "A + B", "A - B" or "A * B" in the last user message (or the raw prompt),
// writes a step-by-step <think> trace in the testbed's style, and answers "The answer is \boxed{N}".
// Whether an answer is right is a hash of (prompt, seed, sample index) against `toy_accuracy`
// (`toy_nothink_accuracy` when chat_template_kwargs.enable_thinking is false), so reruns agree.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "harness/model_client.h"
#include "harness/suite_config.h"

namespace gauntlet::harness {

class ToyClient : public ModelClient {
 public:
  explicit ToyClient(const ModelConfig& config);
  ~ToyClient() override;

  void submit_async(ChatRequest request, Callback done) override;
  ClientStats stats() const override;
  void drain() override;

  // The pure function behind submit_async (exposed for tests).
  ChatResult answer(const ChatRequest& request) const;

 private:
  void run();

  ModelConfig config_;
  bool thinking_ = true;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::pair<ChatRequest, Callback>> queue_;
  int busy_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace gauntlet::harness
