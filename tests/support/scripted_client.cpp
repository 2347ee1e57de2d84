#include "tests/support/scripted_client.h"

#include <algorithm>

namespace gauntlet::testing {

harness::ChatResult text_result(const std::string& text) {
  harness::ChatResult r;
  harness::Choice c;
  c.text = text;
  c.finish_reason = "stop";
  r.choices.push_back(std::move(c));
  r.http_status = 200;
  return r;
}

harness::ChatResult error_result(const std::string& error) {
  harness::ChatResult r;
  r.error = error;
  return r;
}

ScriptedClient::ScriptedClient(std::vector<std::string> answers, std::shared_ptr<RequestLog> log)
    : responder_([answers = std::move(answers)](const harness::ChatRequest&, std::size_t i) {
        return text_result(answers.empty() ? std::string() : answers[std::min(i, answers.size() - 1)]);
      }),
      log_(std::move(log)) {}

ScriptedClient::ScriptedClient(Responder responder, std::shared_ptr<RequestLog> log)
    : responder_(std::move(responder)), log_(std::move(log)) {}

void ScriptedClient::submit_async(harness::ChatRequest request, Callback done) {
  std::size_t index;
  {
    std::lock_guard lock(mutex_);
    index = next_++;
  }
  {
    std::lock_guard lock(log_->mutex);
    log_->requests.push_back(request);
  }
  done(responder_(request, index));
}

}  // namespace gauntlet::testing
