#include "engine/text/chat_template.h"

#include <nlohmann/json.hpp>

#include "engine/json/json_input.h"
#include "engine/text/tokenizer_error.h"

namespace gauntlet::engine {
namespace {

bool starts_with(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }
bool ends_with(const std::string& s, std::string_view p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}
std::string lstrip_nl(std::string s) {
  s.erase(0, s.find_first_not_of('\n') == std::string::npos ? s.size() : s.find_first_not_of('\n'));
  return s;
}
std::string rstrip_nl(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

std::string render_chatml(const std::vector<ChatTurn>& turns, const RenderOptions& o) {
  std::string out;
  for (const auto& t : turns) out += "<|im_start|>" + t.role + "\n" + t.content + "<|im_end|>\n";
  if (o.add_generation_prompt) out += "<|im_start|>assistant\n";
  out += o.assistant_prefill;
  return out;
}

std::string render_qwen3(const std::vector<ChatTurn>& turns, const RenderOptions& o) {
  std::string out;
  if (!turns.empty() && turns[0].role == "system") out += "<|im_start|>system\n" + turns[0].content + "<|im_end|>\n";
  // The last user message that is not a tool response wrapped in a user turn.
  std::ptrdiff_t last_query = static_cast<std::ptrdiff_t>(turns.size()) - 1;
  for (std::ptrdiff_t i = last_query; i >= 0; --i) {
    const ChatTurn& t = turns[static_cast<std::size_t>(i)];
    if (t.role == "user" && !(starts_with(t.content, "<tool_response>") && ends_with(t.content, "</tool_response>"))) {
      last_query = i;
      break;
    }
  }
  for (std::size_t i = 0; i < turns.size(); ++i) {
    const ChatTurn& t = turns[i];
    const bool last = i + 1 == turns.size();
    if (t.role == "user" || (t.role == "system" && i != 0)) {
      out += "<|im_start|>" + t.role + "\n" + t.content + "<|im_end|>\n";
    } else if (t.role == "assistant") {
      std::string content = t.content;
      std::string reasoning;
      if (t.reasoning) {
        reasoning = *t.reasoning;
      } else if (auto close = content.find("</think>"); close != std::string::npos) {
        std::string before = rstrip_nl(content.substr(0, close));
        auto open = before.rfind("<think>");
        reasoning = lstrip_nl(open == std::string::npos ? before : before.substr(open + 7));
        content = lstrip_nl(content.substr(content.rfind("</think>") + 8));
      }
      if (static_cast<std::ptrdiff_t>(i) > last_query && (last || !reasoning.empty()))
        out += "<|im_start|>assistant\n<think>\n" + lstrip_nl(rstrip_nl(reasoning)) + "\n</think>\n\n" + lstrip_nl(content);
      else
        out += "<|im_start|>assistant\n" + content;
      out += "<|im_end|>\n";
    } else if (t.role == "tool") {
      if (i == 0 || turns[i - 1].role != "tool") out += "<|im_start|>user";
      out += "\n<tool_response>\n" + t.content + "\n</tool_response>";
      if (last || turns[i + 1].role != "tool") out += "<|im_end|>\n";
    }
  }
  if (o.add_generation_prompt) {
    out += "<|im_start|>assistant\n";
    if (!o.enable_thinking) out += "<think>\n\n</think>\n\n";
  }
  out += o.assistant_prefill;
  return out;
}

}  // namespace

ChatTemplate ChatTemplate::from_template_text(const std::string& jinja, const std::string& source) {
  if (jinja.find("<|im_start|>") == std::string::npos)
    throw TokenizerError(source + ": chat_template is not a ChatML/Qwen3 template (no <|im_start|>); unsupported");
  return ChatTemplate(jinja.find("<think>") != std::string::npos ? ChatFormat::kQwen3 : ChatFormat::kChatML);
}

ChatTemplate ChatTemplate::load(const std::filesystem::path& path) {
  std::filesystem::path file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) file = path / "tokenizer_config.json";
  nlohmann::json config;
  try {
    config = load_json_input_file(file);
  } catch (const JsonInputError& e) {
    throw TokenizerError(e.what());
  }
  if (!config.is_object() || !config.contains("chat_template"))
    throw TokenizerError(file.string() + ": no chat_template");
  const auto& t = config["chat_template"];
  if (t.is_string()) return from_template_text(t.get<std::string>(), file.string());
  // The list form: [{"name": "default", "template": "..."}, ...]
  if (t.is_array())
    for (const auto& entry : t)
      if (entry.is_object() && entry.contains("name") && entry["name"] == "default" && entry.contains("template") &&
          entry["template"].is_string())
        return from_template_text(entry["template"].get<std::string>(), file.string());
  throw TokenizerError(file.string() + ": chat_template is neither a string nor a list with a \"default\" entry");
}

std::string ChatTemplate::render(const std::vector<ChatTurn>& turns, const RenderOptions& options) const {
  return format_ == ChatFormat::kQwen3 ? render_qwen3(turns, options) : render_chatml(turns, options);
}

}  // namespace gauntlet::engine
