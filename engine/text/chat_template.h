#pragma once
// ChatTemplate: renders a conversation into prompt text for the Qwen3 template family (ChatML with
// <think> handling) or plain ChatML, in C++ (no Jinja). Qwen3 rules: system message first;
// `<|im_start|>role\n{content}<|im_end|>\n`; assistant turns before the last user query keep only
// the text after `</think>`; later ones keep `<think>\n{reasoning}\n</think>\n\n{content}`;
// generation prompt `<|im_start|>assistant\n`, plus `<think>\n\n</think>\n\n` when thinking is off;
// then the assistant prefill, so a reply can be continued from any point.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gauntlet::engine {

struct ChatTurn {
  std::string role;  // system | user | assistant | tool
  std::string content;
  std::optional<std::string> reasoning;  // assistant reasoning_content; else split from <think>
};

struct RenderOptions {
  bool add_generation_prompt = true;
  bool enable_thinking = true;
  std::string assistant_prefill;  // appended after the generation prompt
};

enum class ChatFormat { kQwen3, kChatML };

class ChatTemplate {
 public:
  explicit ChatTemplate(ChatFormat format = ChatFormat::kQwen3) : format_(format) {}

  // The family a tokenizer_config.json chat_template belongs to (Qwen3 when it mentions <think>,
  // plain ChatML when it uses <|im_start|>). Throws TokenizerError naming the file otherwise.
  static ChatTemplate load(const std::filesystem::path& tokenizer_config_or_dir);
  static ChatTemplate from_template_text(const std::string& jinja, const std::string& source);

  std::string render(const std::vector<ChatTurn>& turns, const RenderOptions& options = {}) const;
  ChatFormat format() const { return format_; }

 private:
  ChatFormat format_;
};

}  // namespace gauntlet::engine
