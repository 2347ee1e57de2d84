#pragma once
// Absolute Zero task vocabulary: the three task types, the two roles, and CodeTask, one validated
// program with its inputs and the reprs of its outputs (a buffer entry and a solver problem).
//   deduction (AZR code_o): program + input shown, the solver predicts the output;
//   abduction (AZR code_i): program + output shown, the solver gives any input producing it;
//   induction (AZR code_f): a message and half of the input/output pairs shown, the solver writes
//                           f, which must reproduce the hidden half.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

enum class TaskType { abduction, deduction, induction };
enum class Role { propose, solve };

const char* to_string(TaskType type);
const char* to_string(Role role);
std::optional<TaskType> parse_task_type(std::string_view name);
std::optional<Role> parse_role(std::string_view name);
// All three, in the order AZR runs them in a step (code_i, code_o, code_f).
const std::vector<TaskType>& all_task_types();

struct CodeTask {
  std::string id;  // "seed-<type>" or "s<step>-<type>-<slot>"
  TaskType type = TaskType::deduction;
  int step = -1;                     // the step that added it; -1 for a seed
  std::string program;               // defines f
  std::vector<std::string> inputs;   // argument lists: the call is f(<input>)
  std::vector<std::string> outputs;  // repr(f(<input>)), one per input
  std::string message;               // induction: the proposer's hint

  // Induction: the first half of the pairs is shown to the solver, the rest is hidden.
  std::size_t shown_pairs() const { return inputs.size() / 2; }

  nlohmann::json to_json() const;
  // Throws std::invalid_argument naming the missing or mistyped field.
  static CodeTask from_json(const nlohmann::json& j);
};

// The identity program every buffer starts with (AZR's zero triplet): def f(a): return a on
// "Hello world"; the induction seed runs the same program on six inputs of different types.
CodeTask seed_task(TaskType type);

}  // namespace gauntlet::harness
