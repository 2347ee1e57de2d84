#pragma once
// ChatTemplate: a checkpoint's own chat template (the Jinja `chat_template` of tokenizer_config.json
// or chat_template.jinja) rendered with engine/text/jinja exactly as transformers'
// apply_chat_template renders it: variables messages, tools, documents, add_generation_prompt,
// the special tokens of tokenizer_config.json (bos_token, eos_token, ...) and every
// chat_template_kwargs key; continue_final_message cuts the prompt where the last message ends,
// with transformers' tag method. Checkpoints without a template get plain ChatML.
// A file that cannot be read throws TokenizerError naming it; a template that cannot be parsed or
// rendered throws jinja::TemplateError (file, template line, construct; kind kRaised with the
// template's own message for raise_exception).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::engine {

namespace jinja {
class Template;
}

// One conversation as transformers receives it (JSON, object key order kept).
struct ChatInput {
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  nlohmann::ordered_json tools;      // null: tools=None
  nlohmann::ordered_json documents;  // null: documents=None
  bool add_generation_prompt = true;
  bool continue_final_message = false;  // requires add_generation_prompt false
  nlohmann::ordered_json kwargs = nlohmann::ordered_json::object();  // chat_template_kwargs
};

// The simple form used by engine commands and the engine provider.
struct ChatTurn {
  std::string role;  // system | user | assistant | tool
  std::string content;
  std::optional<std::string> reasoning;  // passed as the message's reasoning_content
};

struct RenderOptions {
  bool add_generation_prompt = true;
  bool enable_thinking = true;    // false: chat_template_kwargs {"enable_thinking": false}
  std::string assistant_prefill;  // appended verbatim after the rendered prompt
};

class ChatTemplate {
 public:
  // `path`: a checkpoint directory (chat_template.jinja if present, else tokenizer_config.json)
  // or a tokenizer_config.json file.
  static ChatTemplate load(const std::filesystem::path& path);
  // The checkpoint's own template when it ships one (chat_template.jinja, or a chat_template in
  // tokenizer_config.json); nullopt when it ships none. `path`: a directory, or a file in it.
  static std::optional<ChatTemplate> find(const std::filesystem::path& path);
  // tokenizer_config.json content: its chat_template (string, or the list form with named
  // templates) and its special tokens.
  static ChatTemplate from_config(const nlohmann::ordered_json& config, const std::string& source);
  // A bare template; `special_tokens` is an object such as {"bos_token": "<s>", ...}.
  static ChatTemplate from_template_text(const std::string& jinja, const std::string& source,
                                         const nlohmann::ordered_json& special_tokens = nlohmann::ordered_json::object());
  // Plain ChatML (`<|im_start|>role\n…<|im_end|>\n`), for checkpoints that ship no template.
  static ChatTemplate chatml();

  std::string render(const ChatInput& input) const;
  std::string render(const std::vector<ChatTurn>& turns, const RenderOptions& options = {}) const;

  const std::string& source() const { return source_; }
  const std::string& text() const;  // the default template's text
  // Every named template: [{"name": ..., "template": ...}, ...] ("default" for a single one).
  nlohmann::ordered_json templates_json() const;
  const nlohmann::ordered_json& special_tokens() const { return special_tokens_; }

 private:
  struct Named {
    std::string name;
    std::string text;
    std::shared_ptr<const jinja::Template> compiled;
  };
  ChatTemplate() = default;
  void add(std::string name, std::string text);
  const Named& pick(bool with_tools) const;

  std::vector<Named> templates_;  // "default" first when the config names several
  nlohmann::ordered_json special_tokens_ = nlohmann::ordered_json::object();
  std::string source_;
};

// The messages of ChatTurns as transformers receives them (role, content, reasoning_content).
nlohmann::ordered_json chat_messages(const std::vector<ChatTurn>& turns);

}  // namespace gauntlet::engine
