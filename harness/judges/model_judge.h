#pragma once
// ModelJudge: a judge that is a model behind any ModelClient (OpenAI-compatible server, the
// in-tree engine, a cached or budgeted client): the client's own retries, caching and fingerprint
// apply. A reply that cannot be read is answered with the problem and asked again, up to
// `attempts` replies in all; a request that fails (after the client's retries) or `attempts`
// unreadable replies throw JudgeError. Requests carry sample_index = task.replay (and seed +
// replay when a seed is set), so a replayed task is asked afresh rather than served the cached
// reply that failed.
#include <string>

#include "harness/clients/model_client.h"
#include "harness/judges/judge.h"

namespace gauntlet::harness {

struct ModelJudgeOptions {
  SamplingParams params;
  // kChat sends the messages (also right for a completions model that renders them with its own
  // chat template: ModelSpec::sends_messages); kCompletions sends them joined as one prompt.
  Endpoint endpoint = Endpoint::kChat;
  int attempts = 3;                    // replies read per judgement (the first one included)
};

class ModelJudge : public Judge {
 public:
  // `client` must outlive the judge.
  ModelJudge(std::string name, ModelClient& client, ModelJudgeOptions options);

  const std::string& name() const override { return name_; }
  RubricJudgement score(const RubricTask& task) override;
  GradeJudgement grade(const GradeTask& task) override;

 private:
  // Sends `messages`, reading each reply with `read` ("" = read, else the problem); after an
  // unreadable reply asks again with the problem and `reply_format`. Returns the trace.
  template <typename Read>
  JudgeTrace ask(std::vector<ChatMessage> messages, int replay, const std::string& reply_format, Read&& read);

  std::string name_;
  ModelClient& client_;
  ModelJudgeOptions options_;
};

}  // namespace gauntlet::harness
