#include "harness/selfplay/prompts.h"

#include <stdexcept>

#include <fmt/format.h>

namespace gauntlet::harness {
namespace {

const char* const kInstruction =
    "A conversation between User and Assistant. The User gives a task and the Assistant solves it. The "
    "Assistant first reasons about the task step by step, then gives the answer. The reasoning is enclosed in "
    "<think> </think> tags and the answer in <answer> </answer> tags, like this: <think> reasoning here "
    "</think> <answer> answer here </answer>.";

std::string block(std::string_view kind, std::string_view body) { return fmt::format("```{}\n{}\n```\n", kind, body); }

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string seconds(int ms) { return ms % 1000 == 0 ? std::to_string(ms / 1000) : fmt::format("{:.1f}", ms / 1000.0); }

std::string program_prompt(TaskType type, const std::vector<const CodeTask*>& references,
                           const ProposePromptOptions& o) {
  std::string purpose =
      type == TaskType::deduction
          ? "Another model will be shown your program and your input and must work out the output, so the "
            "output should take careful, multi-step reasoning to predict."
          : "Another model will be shown your program and the output it returns for your input, and must find an "
            "input that produces that output, so the input should be hard to recover from the output.";
  std::string p = fmt::format(
      "{}\n\nWrite a new Python program and one input for it. {}\n"
      "Make it different from the reference programs below.\n\n",
      kProposeProgramTitle, purpose);
  p += "### Program requirements\n";
  p += "- The entry function is named `f`, takes at least one argument and returns a value.\n";
  p += "- Define exactly one function, `f`: no other functions, no nested functions, no classes with methods. "
       "Put helper logic inside `f` (lambdas are fine); imports and constants go at the top.\n";
  p += "- The program must be deterministic: the same input always gives the same output. No randomness, "
       "dates or times, files, network, printing, logging or other outside state; do not rely on the order of "
       "sets of strings.\n";
  if (!o.banned_imports.empty())
    p += fmt::format("- Do not import any of these modules: {}.\n", join(o.banned_imports, ", "));
  p += fmt::format(
      "- It must finish within {} seconds, and the repr of the returned value must be at most {} "
      "characters.\n\n",
      seconds(o.timeout_ms), o.max_output_chars);
  p += "### Input requirements\n";
  p += "- The input is the argument list of one call: `f(<your input>)` must be a valid call. Separate several "
       "arguments with commas and write them as Python literals.\n\n";
  p += "### Format\nThink inside <think> </think> first, then give the program and the input inside "
       "<answer> </answer>:\n<answer>\n";
  p += block("python", "def f(...):\n    ...\n    return ...");
  p += block("input", "...");
  p += "</answer>\n\n### Reference programs\n";
  int i = 0;
  for (const CodeTask* r : references) {
    ++i;
    p += fmt::format("<snippet_{}>\n", i);
    p += block("python", r->program);
    if (!r->inputs.empty()) p += block("input", r->inputs.front()) + block("output", r->outputs.front());
    p += fmt::format("</snippet_{}>\n", i);
  }
  return p;
}

std::string inputs_prompt(const std::vector<const CodeTask*>& references, const ProposePromptOptions& o) {
  if (references.size() != 1) throw std::invalid_argument("induction proposals take exactly one reference program");
  const int shown = o.induction_inputs / 2;
  std::string p = fmt::format(
      "{}\n\nWrite {} different inputs for the program below and a message about the program. Another model "
      "will see your message and the outputs of the program for {} of your inputs, and must write a function "
      "`f` that also gives the right outputs for the other {}. Choose diverse inputs whose outputs together "
      "reveal what the program does, and a message that helps without giving the program away.\n\n",
      kProposeInputsTitle, o.induction_inputs, shown, o.induction_inputs - shown);
  p += "### Program\n" + block("python", references.front()->program) + "\n";
  p += "Each input is the argument list of one call: `f(<input>)` must be a valid call, with the arguments "
       "written as Python literals.\n\n";
  p += fmt::format(
      "### Format\nThink inside <think> </think> first, then give {} input blocks and one message "
      "block inside <answer> </answer>:\n<answer>\n",
      o.induction_inputs);
  p += block("input", "...");
  p += fmt::format("(… {} input blocks in all)\n", o.induction_inputs);
  p += block("message", "...");
  p += "</answer>\n";
  return p;
}

}  // namespace

std::string propose_prompt(TaskType type, const std::vector<const CodeTask*>& references,
                           const ProposePromptOptions& options) {
  return type == TaskType::induction ? inputs_prompt(references, options) : program_prompt(type, references, options);
}

std::string solve_prompt(const CodeTask& task) {
  std::string p;
  switch (task.type) {
    case TaskType::deduction:
      p = fmt::format("{}\n\nWork out the value that `f({})` returns for the program below.\n\n", kSolveDeductionTitle,
                      task.inputs.at(0));
      p += "### Program\n" + block("python", task.program) + "\n### Input\n" + block("input", task.inputs.at(0));
      p += "\n### Format\nThink inside <think> </think> first, then give the returned value as a Python literal "
           "(its repr) inside <answer> </answer>:\n<answer>\n" +
           block("output", "...") + "</answer>\n";
      break;
    case TaskType::abduction:
      p = fmt::format(
          "{}\n\nFind an input for which the program below returns the given output. Any input that "
          "produces it is correct.\n\n",
          kSolveAbductionTitle);
      p += "### Program\n" + block("python", task.program) + "\n### Output\n" + block("output", task.outputs.at(0));
      p += "\n### Format\nThink inside <think> </think> first, then give the input inside <answer> </answer>, as "
           "the argument list of one call `f(<input>)` written with Python literals:\n<answer>\n" +
           block("input", "...") + "</answer>\n";
      break;
    case TaskType::induction: {
      std::size_t shown = task.shown_pairs();
      p = fmt::format(
          "{}\n\nWrite a Python function `f` that maps each input below to its output. It will also be "
          "checked on {} hidden inputs, so find the rule, not just these cases.\n\n",
          kSolveInductionTitle, task.inputs.size() - shown);
      p += "### Message\n" + task.message + "\n\n### Examples\n";
      for (std::size_t i = 0; i < shown; ++i)
        p += block(fmt::format("input_{}", i + 1), task.inputs[i]) +
             block(fmt::format("output_{}", i + 1), task.outputs[i]);
      p += "\n### Format\nThink inside <think> </think> first, then give the program inside <answer> </answer>; "
           "define `f`, with any imports at the top:\n<answer>\n" +
           block("python", "def f(...):\n    ...") + "</answer>\n";
      break;
    }
  }
  return p;
}

ChatRequest wrap_prompt(const std::string& task_text, Endpoint endpoint, std::string& stored_prompt) {
  ChatRequest request;
  if (endpoint == Endpoint::kChat) {
    stored_prompt = std::string(kInstruction) + "\n\n" + task_text;
    request.messages = {{"user", stored_prompt}};
  } else {
    stored_prompt = std::string(kInstruction) + " User: " + task_text + "\nAssistant: <think>";
    request.prompt = stored_prompt;
  }
  return request;
}

}  // namespace gauntlet::harness
