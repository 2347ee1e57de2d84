#pragma once
// Reading model answers in the Absolute Zero format: <think>…</think> then <answer>…</answer>, the
// answer holding fenced blocks (```python, ```input, ```output, ```message). Pure text; no I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/clients/chat.h"
#include "harness/selfplay/task.h"
#include "verifiers/code_extraction.h"

namespace gauntlet::harness {

// Every complete ```kind … ``` block in order; an unterminated last fence is ignored
// (verifiers/code_extraction.h, shared with the code scorer).
using verifiers::FencedBlock;
using verifiers::fenced_blocks;

// The text after the last "<answer>" up to the following "</answer>" (AZR's rule); nullopt when
// there is no closed answer.
std::optional<std::string> answer_part(std::string_view text);

// AZR's format rule on a parsed choice: reasoning (a think block, or the server's reasoning field)
// followed by a closed <answer> block. With require_think false only the answer block is needed.
bool well_formed(std::string_view reasoning, std::string_view text, bool require_think);
bool well_formed(const Choice& choice, bool require_think);

struct ProposalText {
  std::string reason;  // "" when parsed; otherwise format | input_count | missing_message
  std::string detail;
  std::string program;              // deduction / abduction
  std::vector<std::string> inputs;  // one (deduction / abduction) or `induction_inputs`
  std::string message;              // induction
};

// The proposer's answer part: deduction and abduction need the first ```python and the first
// ```input block; induction needs `induction_inputs` ```input blocks (the last ones when there are
// more) and a non-empty ```message block.
ProposalText parse_proposal(TaskType type, std::string_view answer, int induction_inputs);

// The solver's answer: the first block of the kind the task type asks for (deduction ```output,
// abduction ```input, induction ```python), else the whole answer part, trimmed.
std::string solver_answer(TaskType type, std::string_view answer);

// The completion as generated, for rollouts: the reasoning back in its <think> block when the
// server or the parser split it off (after a prompt that already opened <think>, only the closing
// tag), then the answer text.
std::string rejoin_completion(const Choice& choice, bool prompt_opened_think);

}  // namespace gauntlet::harness
