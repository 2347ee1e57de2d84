#include "harness/judges/model_judge.h"

#include <stdexcept>

#include <fmt/format.h>

#include "harness/judges/judge_error.h"
#include "harness/judges/judge_prompts.h"
#include "harness/judges/judge_reply.h"

namespace gauntlet::harness {
ModelJudge::ModelJudge(std::string name, ModelClient& client, ModelJudgeOptions options)
    : name_(std::move(name)), client_(client), options_(std::move(options)) {
  if (options_.attempts < 1) options_.attempts = 1;
}

template <typename Read>
JudgeTrace ModelJudge::ask(std::vector<ChatMessage> messages, int replay, const std::string& reply_format,
                           Read&& read) {
  JudgeTrace trace;
  for (int attempt = 1;; ++attempt) {
    ChatRequest request;
    request.params = options_.params;
    if (request.params.seed) *request.params.seed += replay;
    request.sample_index = replay;
    if (options_.endpoint == Endpoint::kChat) request.messages = messages;
    else request.prompt = messages_as_prompt(messages);
    trace.messages = messages_to_json(messages);
    auto result = client_.submit(request).get();
    trace.usage.prompt_tokens += result.usage.prompt_tokens;
    trace.usage.completion_tokens += result.usage.completion_tokens;
    trace.usage.reasoning_tokens += result.usage.reasoning_tokens;
    trace.latency_s += result.latency_s;
    trace.from_cache = trace.from_cache || result.from_cache;
    if (!result.ok() || result.choices.empty())
      throw JudgeError(fmt::format("judge {}: the request failed: {}", name_,
                                   result.error.empty() ? std::string("no choices") : result.error));
    const std::string reply = result.choices.front().text;
    trace.replies.push_back(reply);
    std::string problem = read(reply);
    if (problem.empty()) return trace;
    trace.problems.push_back(problem);
    if (attempt >= options_.attempts)
      throw JudgeError(fmt::format("judge {}: {} replies could not be read (last: {})", name_, attempt, problem));
    messages.push_back({"assistant", reply});
    messages.push_back(correction_message(problem, reply_format));
  }
}

RubricJudgement ModelJudge::score(const RubricTask& task) {
  RubricJudgement out;
  out.judge = name_;
  out.trace = ask(rubric_messages(task), task.replay, kRubricReplyFormat,
                  [&](const std::string& reply) { return read_rubric_reply(reply, task, &out); });
  return out;
}

GradeJudgement ModelJudge::grade(const GradeTask& task) {
  if (task.messages.empty()) throw std::invalid_argument("a grade task needs messages");
  GradeJudgement out;
  out.judge = name_;
  out.trace = ask(task.messages, task.replay, task.reply_format, [&](const std::string& reply) {
    out.reply = reply;
    return task.pattern.read(reply, &out.grade);
  });
  return out;
}

}  // namespace gauntlet::harness
