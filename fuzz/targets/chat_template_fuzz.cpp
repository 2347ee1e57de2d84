// Entry point: a chat template (Jinja source, as tokenizer_config.json or chat_template.jinja holds
// it) parsed and rendered by jinja::Template with a conversation, tools and the special tokens, under
// render limits. Documented errors: TemplateError.
#include "engine/text/jinja/error.h"
#include "engine/text/jinja/json.h"
#include "engine/text/jinja/template.h"
#include "fuzz/support/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet::engine::jinja;
  static const Dict variables = value_from_json(nlohmann::ordered_json::parse(R"({
    "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Hi"},
                 {"role": "assistant", "content": "<think>r</think>ok", "tool_calls": [
                   {"type": "function", "function": {"name": "f", "arguments": {"x": 1}}}]},
                 {"role": "tool", "content": "42"}, {"role": "user", "content": [{"type": "text", "text": "p"}]}],
    "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}],
    "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>", "enable_thinking": false})")).dict();
  RenderLimits limits;
  limits.max_steps = 200'000;
  limits.max_output_bytes = 1 << 20;
  try {
    Template t(gauntlet::fuzz::as_text(data, size), "fuzz.jinja", limits);
    (void)t.render(variables);
  } catch (const TemplateError&) {
  }
  return 0;
}
