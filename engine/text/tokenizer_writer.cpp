#include "engine/text/tokenizer_writer.h"

#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/text/byte_level.h"
#include "engine/text/pretokenizer.h"

namespace gauntlet::engine {
namespace {

using nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// Merges in ByteLevel spelling, in rank order; each result must be built from earlier tokens.
const std::vector<std::pair<std::string, std::string>> kMerges = {
    {"Ġ", "t"},   {"h", "e"},    {"Ġt", "he"},  {"i", "n"},    {"e", "r"},    {"a", "n"},
    {"o", "n"},   {"r", "e"},    {"Ġ", "a"},    {"a", "t"},    {"e", "n"},    {"i", "s"},
    {"o", "r"},   {"Ġ", "s"},    {"Ġ", "i"},    {"Ġ", "is"},   {"Ġ", "an"},   {"s", "w"},
    {"sw", "er"}, {"Ġan", "swer"}, {"T", "he"}, {"Ġ", "="},    {"Ġ", "+"},    {"Ġ", "-"},
    {"Ġ", "*"},   {"Ċ", "Ċ"},    {"Ġ", "Ġ"},    {"b", "o"},    {"x", "e"},    {"bo", "xe"},
    {"boxe", "d"}, {"Ġ", "\\"}, {"Ġ", "c"}, {"Ġ", "w"},    {"o", "u"},    {"in", "g"},
};

struct Added {
  const char* content;
  bool special;
};
const Added kAdded[] = {{"<|endoftext|>", true}, {"<|im_start|>", true}, {"<|im_end|>", true},
                        {"<think>", false},      {"</think>", false}};

const char* const kChatTemplate =
    "{%- set ns = namespace(last_query_index=messages|length - 1, found=false) %}"
    "{%- for i in range(messages|length - 1, -1, -1) %}"
    "{%- if not ns.found and messages[i].role == 'user' %}"
    "{%- set ns.last_query_index = i %}{%- set ns.found = true %}{%- endif %}{%- endfor %}"
    "{%- for message in messages %}"
    "{%- if message.role == 'assistant' %}"
    "{%- set content = message.content %}{%- set reasoning = '' %}"
    "{%- if message.reasoning_content is defined and message.reasoning_content is not none %}"
    "{%- set reasoning = message.reasoning_content %}"
    "{%- elif '</think>' in content %}"
    "{%- set reasoning = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}"
    "{%- set content = content.split('</think>')[-1].lstrip('\\n') %}{%- endif %}"
    "{%- if loop.index0 > ns.last_query_index and (loop.last or reasoning) %}"
    "{{- '<|im_start|>assistant\\n<think>\\n' + reasoning.strip('\\n') + '\\n</think>\\n\\n' + "
    "content.lstrip('\\n') + '<|im_end|>\\n' }}"
    "{%- else %}{{- '<|im_start|>assistant\\n' + content + '<|im_end|>\\n' }}{%- endif %}"
    "{%- else %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
    "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}"
    "{%- endif %}{%- endif %}";

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(path.string() + ": cannot open for writing");
  out << text;
  if (!out) throw std::runtime_error(path.string() + ": write failed");
}

}  // namespace

const char* default_chat_template() { return kChatTemplate; }

void write_default_tokenizer(const std::filesystem::path& out_dir) {
  std::filesystem::create_directories(out_dir);
  ordered_json vocab = ordered_json::object();
  int next_id = 0;
  for (int b = 0; b < 256; ++b) vocab[byte_level::encode(std::string(1, static_cast<char>(b)))] = next_id++;
  ordered_json merges = ordered_json::array();
  for (const auto& [a, b] : kMerges) {
    if (!vocab.contains(a) || !vocab.contains(b)) throw std::logic_error("default tokenizer merge out of order: " + a + " " + b);
    if (!vocab.contains(a + b)) vocab[a + b] = next_id++;
    merges.push_back({a, b});
  }
  ordered_json added = ordered_json::array();
  ordered_json added_decoder = ordered_json::object();
  for (const auto& t : kAdded) {
    int id = next_id++;
    added.push_back({{"id", id}, {"content", t.content}, {"single_word", false}, {"lstrip", false},
                     {"rstrip", false}, {"normalized", false}, {"special", t.special}});
    added_decoder[std::to_string(id)] = {{"content", t.content}, {"lstrip", false}, {"normalized", false},
                                         {"rstrip", false}, {"single_word", false}, {"special", t.special}};
  }
  ordered_json byte_level_step = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false},
                                  {"use_regex", false}};
  ordered_json tokenizer = {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", added},
      {"normalizer", {{"type", "NFC"}}},
      {"pre_tokenizer",
       {{"type", "Sequence"},
        {"pretokenizers",
         {{{"type", "Split"},
           {"pattern", {{"Regex", std::string(PreTokenizer::regex_of(SplitPattern::kQwen2))}}},
           {"behavior", "Isolated"},
           {"invert", false}},
          byte_level_step}}}},
      {"post_processor", byte_level_step},
      {"decoder", byte_level_step},
      {"model",
       {{"type", "BPE"},
        {"dropout", nullptr},
        {"unk_token", nullptr},
        {"continuing_subword_prefix", ""},
        {"end_of_word_suffix", ""},
        {"fuse_unk", false},
        {"byte_fallback", false},
        {"ignore_merges", false},
        {"vocab", vocab},
        {"merges", merges}}}};
  ordered_json config = {
      {"add_bos_token", false},
      {"add_prefix_space", false},
      {"added_tokens_decoder", added_decoder},
      {"additional_special_tokens", {"<|im_start|>", "<|im_end|>"}},
      {"bos_token", nullptr},
      {"chat_template", kChatTemplate},
      {"clean_up_tokenization_spaces", false},
      {"eos_token", "<|im_end|>"},
      {"errors", "replace"},
      {"model_max_length", 131072},
      {"pad_token", "<|endoftext|>"},
      {"split_special_tokens", false},
      {"tokenizer_class", "Qwen2Tokenizer"},
      {"unk_token", nullptr}};
  write_file(out_dir / "tokenizer.json", tokenizer.dump(2) + "\n");
  write_file(out_dir / "tokenizer_config.json", config.dump(2) + "\n");
}

}  // namespace gauntlet::engine
