// gauntlet render-chat: a checkpoint's chat template applied to conversations, as the engine
// renders them for --chat and the engine provider: one {"text": ..., "ids": [...]} per case.
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/json/json_input.h"
#include "engine/text/chat_template.h"
#include "engine/text/jinja/error.h"
#include "engine/text/tokenizer.h"
#include "harness/cli/command.h"
#include "harness/clients/chat.h"
#include "harness/errors/errors.h"
#include "harness/input/jsonl_reader.h"

namespace gauntlet::harness {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

struct RenderChatArgs {
  std::string model;
  std::string jsonl;
  std::string messages;
  std::string kwargs;
  bool no_generation_prompt = false;
  bool continue_final = false;
};

ojson parse_json_option(const std::string& text, const char* option) {
  try {
    return engine::parse_json_input<ojson>(text, option);
  } catch (const engine::JsonInputError& e) {
    throw UsageError(e.what());  // "OPTION: not valid JSON: ..." or the limit it broke
  }
}

// One case line: {"messages": [...], "tools"?, "documents"?, "add_generation_prompt"?,
// "continue_final_message"?, "chat_template_kwargs"?}; the command-line flags are the defaults.
engine::ChatInput read_case(const ojson& j, const RenderChatArgs& a, const ojson& base_kwargs,
                            const std::function<void(const std::string&)>& fail) {
  if (!j.is_object()) fail("expected a JSON object per line");
  for (auto it = j.begin(); it != j.end(); ++it) {
    static const char* kKeys[] = {"messages", "tools", "documents", "add_generation_prompt", "continue_final_message",
                                  "chat_template_kwargs"};
    bool known = false;
    for (const char* k : kKeys) known = known || it.key() == k;
    if (!known) fail(fmt::format("unknown key '{}' (valid: messages, tools, documents, add_generation_prompt, "
                                 "continue_final_message, chat_template_kwargs)", it.key()));
  }
  engine::ChatInput in;
  if (!j.contains("messages") || !j["messages"].is_array()) fail("\"messages\" must be a list of messages");
  for (const auto& m : j["messages"])
    if (!m.is_object()) fail("every message must be a JSON object");
  in.messages = j["messages"];
  if (j.contains("tools")) {
    if (!j["tools"].is_array() && !j["tools"].is_null()) fail("\"tools\" must be a list");
    in.tools = j["tools"];
  }
  if (j.contains("documents")) {
    if (!j["documents"].is_array() && !j["documents"].is_null()) fail("\"documents\" must be a list");
    in.documents = j["documents"];
  }
  in.continue_final_message = a.continue_final;
  if (j.contains("continue_final_message")) {
    if (!j["continue_final_message"].is_boolean()) fail("\"continue_final_message\" must be true or false");
    in.continue_final_message = j["continue_final_message"].get<bool>();
  }
  // Continuing the final message replaces the generation prompt unless a case asks for both.
  in.add_generation_prompt = !a.no_generation_prompt && !in.continue_final_message;
  if (j.contains("add_generation_prompt")) {
    if (!j["add_generation_prompt"].is_boolean()) fail("\"add_generation_prompt\" must be true or false");
    in.add_generation_prompt = j["add_generation_prompt"].get<bool>();
  }
  in.kwargs = base_kwargs;
  if (j.contains("chat_template_kwargs")) {
    if (!j["chat_template_kwargs"].is_object()) fail("\"chat_template_kwargs\" must be an object");
    for (auto it = j["chat_template_kwargs"].begin(); it != j["chat_template_kwargs"].end(); ++it)
      in.kwargs[it.key()] = it.value();
  }
  return in;
}

int run_render_chat(const RenderChatArgs& a) {
  if (a.jsonl.empty() == a.messages.empty()) throw UsageError("render-chat: give exactly one of --jsonl or --messages");
  ojson base_kwargs = ojson::object();
  if (!a.kwargs.empty()) {
    base_kwargs = parse_json_option(a.kwargs, "--kwargs");
    if (!base_kwargs.is_object()) throw UsageError("--kwargs: expected a JSON object, e.g. {\"enable_thinking\": false}");
  }
  std::vector<engine::ChatInput> cases;
  std::vector<int> lines;
  if (!a.messages.empty()) {
    ojson messages = parse_json_option(a.messages, "--messages");
    if (!messages.is_array()) throw UsageError("--messages: expected a JSON list of messages");
    cases.push_back(read_case(ojson{{"messages", messages}}, a, base_kwargs,
                              [](const std::string& why) { throw UsageError("--messages: " + why); }));
    lines.push_back(0);
  } else {
    JsonlReader reader(a.jsonl);
    for (ojson j; reader.next(j);) {
      cases.push_back(read_case(j, a, base_kwargs, [&reader](const std::string& why) { reader.fail(why); }));
      lines.push_back(reader.line());
    }
  }

  std::optional<engine::Tokenizer> tokenizer;
  std::optional<engine::ChatTemplate> tmpl;
  try {
    tokenizer = engine::Tokenizer::load(a.model);
    tmpl = engine::ChatTemplate::find(a.model);
  } catch (const engine::TokenizerError& e) {
    throw UsageError(fmt::format("--model {}: {}", a.model, e.what()));
  }
  const engine::ChatTemplate chat = tmpl ? *tmpl : engine::ChatTemplate::chatml();

  // Render every case before printing anything: a failing case stops the command with exit 2.
  std::vector<std::string> out;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::string text;
    try {
      text = chat.render(cases[i]);
    } catch (const engine::jinja::TemplateError& e) {
      if (lines[i] > 0) throw DatasetError(a.jsonl, lines[i], e.what());
      throw;
    }
    out.push_back("{\"text\":" + dump_json(text) + ",\"ids\":" + dump_json(tokenizer->encode(text)) + "}");
  }
  for (const auto& line : out) std::cout << line << "\n";
  return 0;
}

}  // namespace

void add_chat_commands(CLI::App& app, CliCommands& commands) {
  auto a = std::make_shared<RenderChatArgs>();
  CLI::App* rc = app.add_subcommand("render-chat", "Apply a checkpoint's chat template: text and token ids");
  rc->add_option("--model", a->model, "Model directory (tokenizer.json and its chat template)")->required();
  auto* jsonl = rc->add_option("--jsonl", a->jsonl,
                               "Cases, one JSON object per line: {\"messages\": [...], \"tools\"?, "
                               "\"add_generation_prompt\"?, \"chat_template_kwargs\"?}");
  auto* messages = rc->add_option("--messages", a->messages, "One conversation: a JSON list of messages");
  jsonl->excludes(messages);
  rc->add_flag("--no-generation-prompt", a->no_generation_prompt, "add_generation_prompt=false");
  rc->add_option("--kwargs", a->kwargs, "chat_template_kwargs as a JSON object, e.g. '{\"enable_thinking\": false}'");
  rc->add_flag("--continue-final", a->continue_final,
               "Continue the final message (continue_final_message; no generation prompt)");
  commands.push_back({rc, [a] { return run_render_chat(*a); }});
}

}  // namespace gauntlet::harness
