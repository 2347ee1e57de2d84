#pragma once
// The testbed model (benchmarks/testbed/model) as an engine model entry with a `budget:` block,
// read as a suite's models[0] would be: for the budget policy tests on the in-tree engine and the
// `budget:` reader tests.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/engine.h"
#include "harness/clients/model_spec_reader.h"
#include "harness/errors/errors.h"

namespace gauntlet::testing {

inline const std::string kTestbedModel = std::string(GAUNTLET_SOURCE_DIR) + "/benchmarks/testbed/model";

// `budget` is YAML for the entry's remaining keys (e.g. "budget: nothinking\n"), or "".
inline harness::ModelSpec testbed_spec(const std::string& budget) {
  return harness::read_model_spec(
      YAML::Load("name: testbed\nprovider: engine\nthreads: 2\npath: " + kTestbedModel + "\n" + budget), "suite.yaml",
      "models[0]");
}

// One user question rendered by the engine's chat template (generation prompt on), as the engine
// provider sends it; and its token ids.
inline std::string rendered_question(const engine::Engine& e, const std::string& question) {
  engine::ChatInput chat;
  chat.messages = engine::chat_messages({{"user", question, std::nullopt}});
  return e.render_chat(chat);
}
inline std::vector<int> question_ids(const engine::Engine& e, const std::string& question) {
  return e.tokenizer().encode(rendered_question(e, question));
}

// A model entry in YAML, read as a suite's models[0] (file "suite.yaml").
inline harness::ModelSpec read_entry(const std::string& yaml) {
  return harness::read_model_spec(YAML::Load(yaml), "suite.yaml", "models[0]");
}

// The ConfigError message reading `yaml` gives, or "(no error)".
inline std::string entry_error(const std::string& yaml) {
  try {
    read_entry(yaml);
  } catch (const harness::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// The head of an engine entry on the testbed (name m); append a `budget:` line.
inline const std::string kTestbedEntry = "name: m\nprovider: engine\npath: " + kTestbedModel + "\n";

}  // namespace gauntlet::testing
