#include "harness/selfplay/parse.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace gauntlet::harness {
namespace {

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

const FencedBlock* first_of(const std::vector<FencedBlock>& blocks, std::initializer_list<std::string_view> kinds) {
  for (const auto& b : blocks)
    for (auto k : kinds)
      if (b.kind == k) return &b;
  return nullptr;
}

}  // namespace

std::optional<std::string> answer_part(std::string_view text) {
  std::size_t open = text.rfind("<answer>");
  if (open == std::string_view::npos) return std::nullopt;
  std::size_t start = open + std::string_view("<answer>").size();
  std::size_t close = text.find("</answer>", start);
  if (close == std::string_view::npos) return std::nullopt;
  return std::string(text.substr(start, close - start));
}

bool well_formed(std::string_view reasoning, std::string_view text, bool require_think) {
  if (require_think && trim(reasoning).empty()) return false;
  return answer_part(text).has_value();
}

bool well_formed(const Choice& choice, bool require_think) {
  return well_formed(choice.reasoning, choice.text, require_think);
}

ProposalText parse_proposal(TaskType type, std::string_view answer, int induction_inputs) {
  ProposalText p;
  auto blocks = fenced_blocks(answer);
  if (type != TaskType::induction) {
    const FencedBlock* code = first_of(blocks, {"python", "py"});
    const FencedBlock* input = first_of(blocks, {"input"});
    if (!code || code->body.empty()) {
      p.reason = "format";
      p.detail = "no ```python block in the answer";
    } else if (!input || trim(input->body).empty()) {
      p.reason = "format";
      p.detail = "no ```input block in the answer";
    } else {
      p.program = code->body;
      p.inputs = {trim(input->body)};
    }
    return p;
  }
  std::vector<std::string> inputs;
  for (const auto& b : blocks)
    if (b.kind == "input") inputs.push_back(trim(b.body));
  const FencedBlock* message = first_of(blocks, {"message"});
  if (static_cast<int>(inputs.size()) < induction_inputs) {
    p.reason = inputs.empty() && !message ? "format" : "input_count";
    p.detail = fmt::format("{} ```input blocks, {} needed", inputs.size(), induction_inputs);
    return p;
  }
  if (!message || trim(message->body).empty()) {
    p.reason = "missing_message";
    p.detail = "no ```message block (or an empty one) in the answer";
    return p;
  }
  p.inputs.assign(inputs.end() - induction_inputs, inputs.end());
  for (const auto& in : p.inputs) {
    if (in.empty()) {
      p.reason = "input_count";
      p.detail = "an ```input block is empty";
      p.inputs.clear();
      return p;
    }
  }
  p.message = trim(message->body);
  return p;
}

std::string solver_answer(TaskType type, std::string_view answer) {
  auto blocks = fenced_blocks(answer);
  const FencedBlock* b = nullptr;
  switch (type) {
    case TaskType::deduction: b = first_of(blocks, {"output"}); break;
    case TaskType::abduction: b = first_of(blocks, {"input"}); break;
    case TaskType::induction: b = first_of(blocks, {"python", "py"}); break;
  }
  if (b) return type == TaskType::induction ? b->body : trim(b->body);
  return trim(answer);
}

std::string rejoin_completion(const Choice& choice, bool prompt_opened_think) {
  if (choice.reasoning.empty()) return choice.text;
  if (prompt_opened_think) return choice.reasoning + "\n</think>\n\n" + choice.text;
  return "<think>\n" + choice.reasoning + "\n</think>\n\n" + choice.text;
}

}  // namespace gauntlet::harness
