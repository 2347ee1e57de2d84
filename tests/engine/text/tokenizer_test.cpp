#include "engine/text/tokenizer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/text/stream_decoder.h"
#include "engine/text/tokenizer_writer.h"
#include "engine/text/unicode.h"
#include "tests/support/command.h"

namespace gauntlet::engine {
namespace {

using gauntlet::testing::TempDir;

class DefaultTokenizer : public ::testing::Test {
 protected:
  void SetUp() override {
    write_default_tokenizer(dir.path());
    tok = std::make_unique<Tokenizer>(Tokenizer::load(dir.path()));
  }
  TempDir dir;
  std::unique_ptr<Tokenizer> tok;
};

TEST_F(DefaultTokenizer, SpecialAndAddedTokens) {
  const int im_start = *tok->token_id("<|im_start|>"), im_end = *tok->token_id("<|im_end|>");
  const int think = *tok->token_id("<think>"), end_think = *tok->token_id("</think>");
  EXPECT_TRUE(tok->is_special(im_start));
  EXPECT_FALSE(tok->is_special(think));
  auto ids = tok->encode("<|im_start|>user\n1+2=<|im_end|><think>x</think>");
  EXPECT_EQ(ids.front(), im_start);
  EXPECT_NE(std::find(ids.begin(), ids.end(), im_end), ids.end());
  EXPECT_EQ(ids[ids.size() - 3], think);
  EXPECT_EQ(ids.back(), end_think);
  // Without allow_special, special-token text is plain text; <think> still matches.
  auto plain = tok->encode("<|im_end|><think>", false);
  EXPECT_EQ(std::count(plain.begin(), plain.end(), im_end), 0);
  EXPECT_EQ(plain.back(), think);
  EXPECT_EQ(tok->decode(plain), "<|im_end|><think>");
  // skip_special drops <|im_end|> but keeps <think>.
  EXPECT_EQ(tok->decode(std::vector<int>{im_end, think}, true), "<think>");
}

TEST_F(DefaultTokenizer, MergesApplyAndRoundTrip) {
  auto ids = tok->encode("The answer is \\boxed{42}");
  EXPECT_EQ(ids[0], *tok->token_id("The"));
  EXPECT_EQ(ids[1], *tok->token_id(" answer"));
  EXPECT_EQ(ids[2], *tok->token_id(" is"));
  EXPECT_EQ(ids[3], *tok->token_id(" \\"));  // the split gives " \\" + "boxed"
  EXPECT_EQ(ids[4], *tok->token_id("boxed"));
  for (std::string text : {"4821+379\n1+9+0=10 r0 c1\n", "  spaces\t\ttabs\r\n", "数学 🙂 émoji", "\n\n"})
    EXPECT_EQ(tok->decode(tok->encode(text)), text);
  EXPECT_EQ(tok->encode("\n\n"), std::vector<int>{*tok->token_id("\n\n")});
}

TEST_F(DefaultTokenizer, NfcBeforeSplitting) {
  EXPECT_EQ(tok->encode("e\u0301"), tok->encode("\u00e9"));
  EXPECT_EQ(unicode::nfc("A\u030a\u0323"), "\u1ea0\u030a");  // reordered, then composed
  EXPECT_EQ(unicode::nfc("\u1100\u1161\u11a8"), "\uac01");    // Hangul
  EXPECT_EQ(unicode::nfc("\u212b"), "\u00c5");                // singleton
}

TEST_F(DefaultTokenizer, StreamDecoderHoldsBackPartialCharacters) {
  auto ids = tok->encode("a数🙂b");  // multi-byte characters are byte tokens here
  StreamDecoder stream(*tok);
  std::vector<std::string> parts;
  for (int id : ids) parts.push_back(stream.push(id));
  EXPECT_EQ(parts[0], "a");
  EXPECT_EQ(parts[1], "");
  EXPECT_EQ(parts[3], "数");
  EXPECT_EQ(parts[7], "🙂");
  EXPECT_EQ(parts.back(), "b");
  EXPECT_EQ(stream.finish(), "");
  StreamDecoder cut(*tok);
  cut.push(ids[1]);
  EXPECT_EQ(cut.finish().size(), 1u);
}

TEST_F(DefaultTokenizer, DecodeRejectsUnknownIds) {
  EXPECT_THROW(tok->decode(std::vector<int>{tok->vocab_size()}), TokenizerError);
  EXPECT_THROW(tok->decode(std::vector<int>{-1}), TokenizerError);
}

TEST_F(DefaultTokenizer, EncodesFasterThanOneMegabytePerSecond) {
  std::string text;
  while (text.size() < (2 << 20)) text += "The answer is \\boxed{5200}. 4821+379 = 5200; 数学 and émoji 🙂\n";
  auto start = std::chrono::steady_clock::now();
  auto ids = tok->encode(text);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("encode: %.1f MB/s\n", text.size() / s / 1e6);
  EXPECT_EQ(tok->decode(ids), text);
}

void expect_error(const std::string& json, const std::string& fragment) {
  try {
    Tokenizer::from_json(json, "bad/tokenizer.json");
    FAIL() << "no error for " << json;
  } catch (const TokenizerError& e) {
    EXPECT_NE(std::string(e.what()).find("bad/tokenizer.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(TokenizerErrors, NameTheFileAndTheProblem) {
  EXPECT_THROW(Tokenizer::load("/nonexistent/dir"), TokenizerError);
  expect_error("{not json", "not valid JSON");
  expect_error("[]", "not a JSON object");
  const std::string pre = R"("pre_tokenizer": {"type": "ByteLevel", "use_regex": true}, )";
  expect_error("{" + pre + R"("model": {"type": "Unigram", "vocab": {}, "merges": []}})", "Unigram");
  expect_error(R"({"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "\\w+"}}, "model": {}})", "regex");
  expect_error(R"({"normalizer": {"type": "NFKC"}, "model": {}})", "NFKC");
  expect_error("{" + pre + R"("model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})", "byte token");
  TempDir dir;
  write_default_tokenizer(dir.path());
  std::string good = gauntlet::testing::read_file(dir.file("tokenizer.json"));
  std::string bad_merge = good;
  bad_merge.replace(bad_merge.find("\"merges\": ["), 11, "\"merges\": [[\"zz\", \"q\"], ");
  expect_error(bad_merge, "merge 0");
}

// Issue 21: tokenizer.json members of the wrong type are errors naming the key path (before: a
// library message naming nothing, or a silent success), and deep nesting is refused at parse time
// (before: a SIGSEGV printing decoder.type).
class EditedTokenizer : public ::testing::Test {
 protected:
  void SetUp() override {
    write_default_tokenizer(dir.path());
    good = nlohmann::json::parse(gauntlet::testing::read_file(dir.file("tokenizer.json")));
  }
  // The load error of the default tokenizer after `edit` ("" when it loads).
  template <typename Edit>
  std::string error_after(Edit edit) {
    nlohmann::json j = good;
    edit(j);
    return error_of_text(j.dump());
  }
  std::string error_of_text(const std::string& text) {
    dir.write("tokenizer.json", text);
    try {
      Tokenizer::load(dir.path());
    } catch (const TokenizerError& e) {
      return e.what();
    }
    return "";
  }
  TempDir dir;
  nlohmann::json good;
};

TEST_F(EditedTokenizer, ModelTypeMustBeTheStringBpe) {
  EXPECT_EQ(error_after([](nlohmann::json&) {}), "");
  EXPECT_EQ(error_after([](nlohmann::json& j) { j["model"].erase("type"); }), "");  // old files have none
  const std::string file = dir.file("tokenizer.json");
  EXPECT_EQ(error_after([](nlohmann::json& j) { j["model"]["type"] = 0.5; }),
            file + ": model.type: expected a string, got 0.5");
  EXPECT_EQ(error_after([](nlohmann::json& j) { j["model"]["type"] = true; }),
            file + ": model.type: expected a string, got true");
  EXPECT_EQ(error_after([](nlohmann::json& j) { j["model"]["type"] = ""; }),
            file + ": model.type '' is not supported (only BPE)");
  EXPECT_EQ(error_after([](nlohmann::json& j) { j["decoder"]["type"] = 7; }),
            file + ": decoder.type: expected a string, got 7");
}

TEST_F(EditedTokenizer, WrongTypesNameTheKeyPath) {
  const std::string file = dir.file("tokenizer.json");
  EXPECT_EQ(error_after([](nlohmann::json& j) { j["added_tokens"][0]["special"] = "yes"; }),
            file + ": added_tokens[0].special: expected true or false, got \"yes\"");
  EXPECT_EQ(error_after([](nlohmann::json& j) { j["added_tokens"][1]["lstrip"] = 1; }),
            file + ": added_tokens[1].lstrip: expected true or false, got 1");
  EXPECT_EQ(error_after([](nlohmann::json& j) { j["added_tokens"][0]["id"] = 4294967296LL; }),
            file + ": added_tokens[0].id: expected a token id (an integer from 0 to 16000000), got 4294967296");
  EXPECT_EQ(error_after([](nlohmann::json& j) { j["model"]["vocab"]["a"] = "x"; }),
            file + ": model.vocab[\"a\"]: expected a token id (an integer from 0 to 16000000), got \"x\"");
  EXPECT_EQ(error_after([](nlohmann::json& j) { j["model"]["byte_fallback"] = "no"; }),
            file + ": model.byte_fallback: expected true or false, got \"no\"");
  EXPECT_EQ(error_after([](nlohmann::json& j) { j["pre_tokenizer"]["pretokenizers"][0]["behavior"] = 3; }),
            file + ": pre_tokenizer.pretokenizers[0].behavior: expected a string, got 3");
}

TEST_F(EditedTokenizer, DeepNestingIsRefusedWithoutPrintingIt) {
  nlohmann::json j = good;
  j["decoder"]["type"] = "PLACEHOLDER";
  std::string text = j.dump();
  text.replace(text.find("\"PLACEHOLDER\""), 13, std::string(66000, '[') + std::string(66000, ']'));
  auto msg = error_of_text(text);
  EXPECT_TRUE(msg.find(dir.file("tokenizer.json") + ": line 1: nested deeper than 128 levels") == 0) << msg.substr(0, 300);
  using namespace std::string_literals;
  EXPECT_TRUE(error_of_text(good.dump() + "\0junk"s).find("a NUL byte") != std::string::npos);
}

}  // namespace
}  // namespace gauntlet::engine
