#include "harness/selfplay/task.h"

#include <stdexcept>

namespace gauntlet::harness {

const char* to_string(TaskType type) {
  switch (type) {
    case TaskType::abduction: return "abduction";
    case TaskType::deduction: return "deduction";
    case TaskType::induction: return "induction";
  }
  return "?";
}

const char* to_string(Role role) { return role == Role::propose ? "propose" : "solve"; }

std::optional<TaskType> parse_task_type(std::string_view name) {
  for (TaskType t : all_task_types())
    if (name == to_string(t)) return t;
  return std::nullopt;
}

std::optional<Role> parse_role(std::string_view name) {
  if (name == "propose") return Role::propose;
  if (name == "solve") return Role::solve;
  return std::nullopt;
}

const std::vector<TaskType>& all_task_types() {
  static const std::vector<TaskType> types = {TaskType::abduction, TaskType::deduction, TaskType::induction};
  return types;
}

nlohmann::json CodeTask::to_json() const {
  nlohmann::json j = {{"id", id},           {"type", to_string(type)}, {"step", step},
                      {"program", program}, {"inputs", inputs},        {"outputs", outputs}};
  if (type == TaskType::induction) j["message"] = message;
  return j;
}

CodeTask CodeTask::from_json(const nlohmann::json& j) {
  auto field = [&](const char* key) -> const nlohmann::json& {
    if (!j.is_object() || !j.contains(key))
      throw std::invalid_argument(std::string("task JSON: missing '") + key + "'");
    return j.at(key);
  };
  try {
    CodeTask t;
    t.id = field("id").get<std::string>();
    auto type = parse_task_type(field("type").get<std::string>());
    if (!type) throw std::invalid_argument("task JSON: unknown type " + field("type").dump());
    t.type = *type;
    t.step = field("step").get<int>();
    t.program = field("program").get<std::string>();
    t.inputs = field("inputs").get<std::vector<std::string>>();
    t.outputs = field("outputs").get<std::vector<std::string>>();
    if (t.inputs.size() != t.outputs.size())
      throw std::invalid_argument("task JSON: inputs and outputs differ in length");
    if (j.contains("message")) t.message = j.at("message").get<std::string>();
    return t;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("task JSON: ") + e.what());
  }
}

CodeTask seed_task(TaskType type) {
  CodeTask t;
  t.id = std::string("seed-") + to_string(type);
  t.type = type;
  t.step = -1;
  t.program = "def f(a):\n    return a";
  if (type == TaskType::induction) {
    t.inputs = {"\"Hello world\"", "1", "dict(a=1, b=2)", "(1.1, 1.2, 1.3)", "[[1, 0], [0, 1]]", "True"};
    t.outputs = {"'Hello world'", "1", "{'a': 1, 'b': 2}", "(1.1, 1.2, 1.3)", "[[1, 0], [0, 1]]", "True"};
    t.message = "Write a function that returns whatever you input";
  } else {
    t.inputs = {"\"Hello world\""};
    t.outputs = {"'Hello world'"};
  }
  return t;
}

}  // namespace gauntlet::harness
