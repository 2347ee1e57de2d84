#pragma once
// Self-play prompts: what the proposer and the solver of each task type are asked, in our own words
// after the structure of Absolute Zero's prompts (task, requirements, format, reference snippets),
// and the R1-style wrapper that asks for <think>…</think> then <answer>…</answer>.
// The titles are constants so the scripted test endpoint can tell the prompts apart.
#include <string>
#include <string_view>
#include <vector>

#include "harness/clients/chat.h"
#include "harness/selfplay/task.h"

namespace gauntlet::harness {

inline constexpr std::string_view kProposeProgramTitle = "## Task: Write a Python program and one input for it";
inline constexpr std::string_view kProposeInputsTitle =
    "## Task: Write inputs for a Python program and a message about it";
inline constexpr std::string_view kSolveDeductionTitle = "## Task: Predict the output of a Python program";
inline constexpr std::string_view kSolveAbductionTitle =
    "## Task: Find an input that makes a Python program return a given output";
inline constexpr std::string_view kSolveInductionTitle =
    "## Task: Write the Python function behind input/output examples";

struct ProposePromptOptions {
  std::vector<std::string> banned_imports;
  int timeout_ms = 10000;
  std::size_t max_output_chars = 400;
  int induction_inputs = 10;
};

// Deduction and abduction: write a program and one input; `references` are shown as snippets with
// their input and output. Induction: write `induction_inputs` inputs and a message for the one
// reference program (references must hold exactly one task).
std::string propose_prompt(TaskType type, const std::vector<const CodeTask*>& references,
                           const ProposePromptOptions& options);

// The problem as the solver sees it: deduction shows program and input, abduction program and
// output, induction the message and the shown pairs (CodeTask::shown_pairs()).
std::string solve_prompt(const CodeTask& task);

// The request for a prompt: on the chat endpoint one user message (the R1 instruction, then the
// task); on the completions endpoint the R1 conversation text ending in "Assistant: <think>".
// `stored_prompt` receives what rollouts record as the prompt (the user text, or the raw text).
ChatRequest wrap_prompt(const std::string& task_text, Endpoint endpoint, std::string& stored_prompt);

}  // namespace gauntlet::harness
