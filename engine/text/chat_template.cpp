#include "engine/text/chat_template.h"

#include "engine/json/json_input.h"
#include "engine/text/jinja/json.h"
#include "engine/text/jinja/py_str.h"
#include "engine/text/jinja/template.h"
#include "engine/text/tokenizer_error.h"

namespace gauntlet::engine {
namespace {

using ojson = nlohmann::ordered_json;

// transformers' continue_final_message sentinel (the trailing space is part of it).
constexpr const char* kContinueTag = "CONTINUE_FINAL_MESSAGE_TAG ";

constexpr const char* kChatML =
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + "
    "'\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

// The special-token attributes transformers passes to every template (special_tokens_map).
const char* const kSpecialTokenKeys[] = {"bos_token", "eos_token", "unk_token", "sep_token",
                                         "pad_token", "cls_token", "mask_token"};

std::string read_text(const std::filesystem::path& file) {
  try {
    return read_input_file(file);
  } catch (const JsonInputError& e) {
    throw TokenizerError(e.what());
  }
}

ojson read_config(const std::filesystem::path& file) {
  try {
    return parse_json_input<ojson>(read_text(file), file.string());
  } catch (const JsonInputError& e) {
    throw TokenizerError(e.what());
  }
}

// A token as tokenizer_config.json writes it: a string, or an AddedToken object with "content".
std::optional<std::string> token_text(const ojson& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) return v["content"].get<std::string>();
  return std::nullopt;
}

ojson special_tokens_of(const ojson& config) {
  ojson out = ojson::object();
  if (!config.is_object()) return out;
  for (const char* key : kSpecialTokenKeys) {
    if (!config.contains(key)) continue;
    auto text = token_text(config[key]);
    if (text && !text->empty()) out[key] = *text;
  }
  if (config.contains("additional_special_tokens") && config["additional_special_tokens"].is_array()) {
    ojson list = ojson::array();
    for (const auto& t : config["additional_special_tokens"])
      if (auto text = token_text(t)) list.push_back(*text);
    if (!list.empty()) out["additional_special_tokens"] = list;
  }
  return out;
}

[[noreturn]] void input_error(const std::string& message) { throw jinja::TemplateError(jinja::ErrorKind::kType, message); }

std::string python_strip(const std::string& s) { return jinja::py::strip(s, std::nullopt, true, true); }
std::string python_rstrip(const std::string& s) { return jinja::py::strip(s, std::nullopt, false, true); }

}  // namespace

ojson chat_messages(const std::vector<ChatTurn>& turns) {
  ojson messages = ojson::array();
  for (const auto& t : turns) {
    ojson m = {{"role", t.role}, {"content", t.content}};
    if (t.reasoning) m["reasoning_content"] = *t.reasoning;
    messages.push_back(std::move(m));
  }
  return messages;
}

void ChatTemplate::add(std::string name, std::string text) {
  Named n;
  n.name = std::move(name);
  n.text = std::move(text);
  n.compiled = std::make_shared<const jinja::Template>(n.text, source_);
  templates_.push_back(std::move(n));
}

const std::string& ChatTemplate::text() const { return pick(false).text; }

ojson ChatTemplate::templates_json() const {
  ojson out = ojson::array();
  for (const auto& t : templates_) out.push_back({{"name", t.name}, {"template", t.text}});
  return out;
}

const ChatTemplate::Named& ChatTemplate::pick(bool with_tools) const {
  if (with_tools)
    for (const auto& t : templates_)
      if (t.name == "tool_use") return t;
  for (const auto& t : templates_)
    if (t.name == "default") return t;
  return templates_.front();
}

ChatTemplate ChatTemplate::from_template_text(const std::string& jinja, const std::string& source,
                                              const ojson& special_tokens) {
  ChatTemplate t;
  t.source_ = source;
  t.special_tokens_ = special_tokens.is_object() ? special_tokens : ojson::object();
  t.add("default", jinja);
  return t;
}

ChatTemplate ChatTemplate::chatml() { return from_template_text(kChatML, "built-in ChatML template"); }

ChatTemplate ChatTemplate::from_config(const ojson& config, const std::string& source) {
  if (!config.is_object() || !config.contains("chat_template") || config["chat_template"].is_null())
    throw TokenizerError(source + ": no chat_template");
  ChatTemplate t;
  t.source_ = source;
  t.special_tokens_ = special_tokens_of(config);
  const ojson& ct = config["chat_template"];
  if (ct.is_string()) {
    t.add("default", ct.get<std::string>());
    return t;
  }
  if (ct.is_array()) {
    for (const auto& entry : ct) {
      if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() || !entry.contains("template") ||
          !entry["template"].is_string())
        throw TokenizerError(source + ": chat_template list entries need a \"name\" and a \"template\" string");
      t.add(entry["name"].get<std::string>(), entry["template"].get<std::string>());
    }
    bool has_default = false;
    for (const auto& n : t.templates_) has_default = has_default || n.name == "default";
    if (!t.templates_.empty() && (has_default || t.templates_.size() == 1)) return t;
    throw TokenizerError(source + ": chat_template lists several templates and none is named \"default\"");
  }
  throw TokenizerError(source + ": chat_template is neither a string nor a list of named templates");
}

ChatTemplate ChatTemplate::load(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    const auto config_file = path / "tokenizer_config.json";
    const auto jinja_file = path / "chat_template.jinja";
    if (std::filesystem::exists(jinja_file, ec)) {
      ojson special = std::filesystem::exists(config_file, ec) ? special_tokens_of(read_config(config_file)) : ojson::object();
      return from_template_text(read_text(jinja_file), jinja_file.string(), special);
    }
    if (!std::filesystem::exists(config_file, ec)) throw TokenizerError(config_file.string() + ": cannot open the tokenizer config");
    return load(config_file);
  }
  if (!std::filesystem::exists(path, ec)) throw TokenizerError(path.string() + ": cannot open the tokenizer config");
  if (path.extension() == ".jinja") {
    const auto config_file = path.parent_path() / "tokenizer_config.json";
    ojson special = std::filesystem::exists(config_file, ec) ? special_tokens_of(read_config(config_file)) : ojson::object();
    return from_template_text(read_text(path), path.string(), special);
  }
  return from_config(read_config(path), path.string());
}

std::optional<ChatTemplate> ChatTemplate::find(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path dir = path;
  if (!std::filesystem::is_directory(dir, ec)) dir = dir.parent_path();
  if (dir.empty()) dir = ".";
  if (std::filesystem::exists(dir / "chat_template.jinja", ec)) return load(dir);
  const auto config_file = dir / "tokenizer_config.json";
  if (!std::filesystem::exists(config_file, ec)) return std::nullopt;
  const ojson config = read_config(config_file);
  if (!config.is_object() || !config.contains("chat_template") || config["chat_template"].is_null()) return std::nullopt;
  return from_config(config, config_file.string());
}

std::string ChatTemplate::render(const ChatInput& input) const {
  if (!input.messages.is_array()) input_error("messages must be a list");
  if (!input.kwargs.is_object()) input_error("chat_template_kwargs must be an object");
  for (const char* reserved : {"messages", "tools", "documents", "add_generation_prompt", "continue_final_message"})
    if (input.kwargs.contains(reserved))
      input_error(std::string("chat_template_kwargs may not set '") + reserved + "' (it is an argument of its own)");
  const Named& tmpl = pick(!input.tools.is_null());  // transformers: tools is not None

  ojson messages = input.messages;
  std::string final_text;
  if (input.continue_final_message) {
    if (input.add_generation_prompt)
      input_error("continue_final_message and add_generation_prompt are not compatible. Use continue_final_message when "
                  "you want the model to continue the final message, and add_generation_prompt when you want to add a "
                  "header that will prompt it to start a new assistant message instead.");
    if (messages.empty()) input_error("continue_final_message is set but there are no messages");
    ojson& last = messages.back();
    if (!last.is_object() || !last.contains("content") || last["content"].is_null())
      input_error("continue_final_message is set but the final message has no \"content\" to continue!");
    ojson& content = last["content"];
    if (content.is_array()) {
      bool found = false;
      for (auto it = content.rbegin(); it != content.rend(); ++it)
        if (it->is_object() && it->contains("text") && (*it)["text"].is_string()) {
          final_text = (*it)["text"].get<std::string>();
          (*it)["text"] = final_text + kContinueTag;
          found = true;
          break;
        }
      if (!found) input_error("continue_final_message is set but we could not find any text to continue in the final message!");
    } else if (content.is_string()) {
      final_text = content.get<std::string>();
      content = final_text + kContinueTag;
    } else {
      input_error("continue_final_message needs the final message's content as a string or a list of parts");
    }
  }

  jinja::Dict vars;
  auto set = [&vars](const std::string& key, jinja::Value value) { vars.set(jinja::Value::string(key), std::move(value)); };
  for (auto it = special_tokens_.begin(); it != special_tokens_.end(); ++it) set(it.key(), jinja::value_from_json(it.value()));
  for (auto it = input.kwargs.begin(); it != input.kwargs.end(); ++it) set(it.key(), jinja::value_from_json(it.value()));
  set("messages", jinja::value_from_json(messages));
  set("tools", jinja::value_from_json(input.tools));
  set("documents", jinja::value_from_json(input.documents));
  set("add_generation_prompt", jinja::Value::boolean(input.add_generation_prompt));
  std::string rendered = tmpl.compiled->render(vars);

  if (input.continue_final_message) {
    const std::string tag = kContinueTag;
    const std::string tag_stripped = python_strip(tag);
    if (rendered.find(python_strip(final_text)) == std::string::npos || rendered.find(tag_stripped) == std::string::npos)
      input_error("continue_final_message is set but the final message does not appear in the chat after applying the "
                  "chat template! This can happen if the chat template deletes portions of the final message. Please "
                  "verify the chat template and final message in your chat to ensure they are compatible.");
    const std::size_t at = rendered.rfind(tag_stripped);
    if (rendered.compare(at, tag.size(), tag) == 0) rendered.resize(at);
    else rendered = python_rstrip(rendered.substr(0, at));
  }
  return rendered;
}

std::string ChatTemplate::render(const std::vector<ChatTurn>& turns, const RenderOptions& options) const {
  ChatInput input;
  input.messages = chat_messages(turns);
  input.add_generation_prompt = options.add_generation_prompt;
  if (!options.enable_thinking) input.kwargs["enable_thinking"] = false;
  return render(input) + options.assistant_prefill;
}

}  // namespace gauntlet::engine
