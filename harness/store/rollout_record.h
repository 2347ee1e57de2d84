#pragma once
// Self-play records as committed to the store: rollouts (every proposer and solver generation),
// buffer entries and finished steps.
#include <cstdint>
#include <optional>
#include <string>

namespace gauntlet::harness {

struct RolloutKey {
  std::string run;  // the self-play config's name
  int step = 0;
  std::string task_type;  // abduction | deduction | induction
  std::string role;       // propose | solve
  int slot = 0;           // proposal index, or the problem's index in the solver batch
  int sample = 0;         // solver sample (0 for proposals)
  auto operator<=>(const RolloutKey&) const = default;
};

struct RolloutRecord {
  RolloutKey key;
  std::string group_id;  // advantage group: "<run>/<step>/<task_type>/<role>"
  std::string task_id;   // the proposed task (proposer) or the task being solved (solver)
  std::string model;
  std::string prompt;         // the user text (chat) or the raw prompt (completions)
  std::string messages_json;  // chat: the messages sent, as JSON; "" for completions
  std::string completion;     // the generated text, reasoning rejoined in its <think> block
  std::string reasoning;
  std::string answer_text;  // the final text after the reasoning
  std::string finish_reason;
  std::string prompt_ids_json;         // JSON int array, "" when the backend returned none
  std::string response_ids_json;       // JSON int array, "" when none
  std::string response_logprobs_json;  // JSON float array (one per response token), "" when none
  std::string routing_json;            // engine routing summary (routing.trace on), "" otherwise
  std::string budget_json;             // the budget policy's record (Choice::budget), "" without a policy
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  double latency_s = 0.0;
  // Set once checked (proposals: validated; solutions: verified).
  bool checked = false;
  bool format_ok = false;
  std::string outcome;       // proposer: "valid" or the reject reason; solver: correct | wrong | format
  double score = 0.0;        // solver: 1 correct, 0 otherwise; proposer: 1 valid, 0 otherwise
  std::string details_json;  // proposer: the parsed task and validation detail; solver: answer, verdict
  // Set when the step finishes.
  std::optional<double> reward;
  std::optional<double> advantage;
  std::int64_t run_id = 0;
  std::string created_at;  // set by the store
};

struct RolloutFinal {
  RolloutKey key;
  double reward = 0.0;
  double advantage = 0.0;
};

struct BufferRow {
  std::string task_type;
  int position = 0;  // 0.. in the order entries were added
  int step = -1;     // -1 for the seed
  std::string task_id;
  std::string task_json;  // CodeTask::to_json()
};

struct SelfPlayStepRow {
  int step = 0;
  std::string stats_json;
  std::int64_t run_id = 0;
  std::string finished_at;
};

}  // namespace gauntlet::harness
