// `gauntlet serve` spoken to by curl (an independent HTTP client): chat and completions, streamed
// (SSE `data:` lines ending in `data: [DONE]`) and not, token-id prompts, a 400 that names the bad
// field, /health, /v1/models and Prometheus /metrics; status codes and JSON bodies are checked.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/served_model.h"
#include "tests/support/tiny_engine_model.h"

namespace {

using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;
using json = nlohmann::json;

const std::string kBinary = GAUNTLET_BINARY;

struct CurlReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

class ServeCurlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    gauntlet::testing::write_tiny_engine_model(dir_->file("model"), 21);
    server_ = new gauntlet::testing::ServedModel(kBinary, dir_->file("model"), dir_->path(),
                                                 {"--threads", "1", "--name", "tiny"});
  }
  static void TearDownTestSuite() {
    const auto exit = server_->stop();
    EXPECT_TRUE(exit.exited && exit.code == 0) << server_->stderr_text();
    delete server_;
    delete dir_;
  }
  void SetUp() override { ASSERT_FALSE(server_->port().empty()); }

  // curl with the body from a file (no shell quoting of JSON); the status code and content type come
  // from --write-out after the body.
  static CurlReply curl(const std::string& path, const json* body = nullptr) {
    std::string command = "curl -sS --max-time 60 -w '\\n%{http_code} %{content_type}'";
    if (body) {
      dir_->write("body.json", body->dump());
      command += " -H 'Content-Type: application/json' --data-binary @" + dir_->file("body.json");
    }
    command += " " + server_->base_url() + path;
    const auto r = run_command(command);
    EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.err;
    CurlReply reply;
    const auto nl = r.out.rfind('\n');
    if (nl == std::string::npos) return reply;
    reply.body = r.out.substr(0, nl);
    std::istringstream tail(r.out.substr(nl + 1));
    tail >> reply.status;
    std::getline(tail >> std::ws, reply.content_type);
    return reply;
  }

  // The JSON objects of an SSE body's `data:` lines; `done` is whether the last one was [DONE].
  static std::vector<json> events(const std::string& body, bool& done) {
    std::vector<json> out;
    done = false;
    std::istringstream lines(body);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      EXPECT_EQ(line.rfind("data: ", 0), 0u) << line;
      EXPECT_FALSE(done) << "an event after [DONE]: " << line;
      const std::string data = line.substr(6);
      if (data == "[DONE]") done = true;
      else out.push_back(json::parse(data));
    }
    return out;
  }

  static json chat_body() {
    return {{"model", "tiny"},
            {"messages", json::array({{{"role", "user"}, {"content", "Say something"}}})},
            {"max_tokens", 6},
            {"temperature", 0.7},
            {"seed", 3},
            {"return_token_ids", true}};
  }

  static TempDir* dir_;
  static gauntlet::testing::ServedModel* server_;
};

TempDir* ServeCurlTest::dir_ = nullptr;
gauntlet::testing::ServedModel* ServeCurlTest::server_ = nullptr;

TEST_F(ServeCurlTest, ChatCompletionWithoutStreaming) {
  const json body = chat_body();
  const auto r = curl("/v1/chat/completions", &body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.content_type.find("application/json"), std::string::npos) << r.content_type;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["model"], "tiny");
  ASSERT_EQ(j["choices"].size(), 1u);
  const json& choice = j["choices"][0];
  EXPECT_EQ(choice["index"], 0);
  EXPECT_EQ(choice["message"]["role"], "assistant");
  EXPECT_TRUE(choice["message"]["content"].is_string());
  EXPECT_TRUE(choice["finish_reason"] == "stop" || choice["finish_reason"] == "length") << choice;
  ASSERT_TRUE(choice["token_ids"].is_array());
  EXPECT_GE(choice["token_ids"].size(), 1u);
  EXPECT_LE(choice["token_ids"].size(), 6u);
  EXPECT_EQ(j["usage"]["completion_tokens"], choice["token_ids"].size());
  EXPECT_EQ(j["usage"]["prompt_tokens"], j["prompt_token_ids"].size());
  EXPECT_EQ(j["usage"]["total_tokens"],
            j["usage"]["prompt_tokens"].get<int>() + j["usage"]["completion_tokens"].get<int>());
  // The same seed gives the same tokens again.
  const json again = json::parse(curl("/v1/chat/completions", &body).body);
  EXPECT_EQ(again["choices"][0]["token_ids"], choice["token_ids"]);
}

TEST_F(ServeCurlTest, StreamedChatIsSseEndingInDone) {
  json body = chat_body();
  const json whole = json::parse(curl("/v1/chat/completions", &body).body);
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  const auto r = curl("/v1/chat/completions", &body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.content_type.find("text/event-stream"), std::string::npos) << r.content_type;
  bool done = false;
  const auto chunks = events(r.body, done);
  EXPECT_TRUE(done) << r.body;
  ASSERT_GE(chunks.size(), 2u);
  std::string content;
  json ids = json::array();
  std::string finish;
  json usage;
  for (const auto& c : chunks) {
    EXPECT_EQ(c["object"], "chat.completion.chunk") << c;
    EXPECT_EQ(c["id"], chunks[0]["id"]);
    if (c.contains("usage") && !c["usage"].is_null()) usage = c["usage"];
    for (const auto& choice : c["choices"]) {
      const json& delta = choice["delta"];
      if (delta.contains("content") && delta["content"].is_string()) content += delta["content"].get<std::string>();
      if (choice.contains("token_ids")) for (const auto& id : choice["token_ids"]) ids.push_back(id);
      if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) finish = choice["finish_reason"];
    }
  }
  EXPECT_EQ(content, whole["choices"][0]["message"]["content"]);
  EXPECT_EQ(ids, whole["choices"][0]["token_ids"]);
  EXPECT_EQ(finish, whole["choices"][0]["finish_reason"]);
  EXPECT_EQ(usage["completion_tokens"], whole["usage"]["completion_tokens"]) << usage;
}

TEST_F(ServeCurlTest, CompletionsTakeTokenIdsAndReturnThem) {
  const json by_text = {{"model", "tiny"}, {"prompt", "one two three"}, {"max_tokens", 5},
                        {"seed", 9},       {"temperature", 0.9},        {"return_token_ids", true}};
  const auto t = curl("/v1/completions", &by_text);
  ASSERT_EQ(t.status, 200) << t.body;
  const json text_reply = json::parse(t.body);
  EXPECT_EQ(text_reply["object"], "text_completion");
  const json prompt_ids = text_reply["prompt_token_ids"];
  ASSERT_TRUE(prompt_ids.is_array());
  ASSERT_FALSE(prompt_ids.empty());

  json by_ids = by_text;
  by_ids["prompt"] = prompt_ids;
  const auto r = curl("/v1/completions", &by_ids);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["prompt_token_ids"], prompt_ids);
  EXPECT_EQ(j["usage"]["prompt_tokens"], prompt_ids.size());
  ASSERT_EQ(j["choices"].size(), 1u);
  EXPECT_TRUE(j["choices"][0]["text"].is_string());
  EXPECT_EQ(j["choices"][0]["token_ids"], text_reply["choices"][0]["token_ids"]);
  EXPECT_EQ(j["choices"][0]["text"], text_reply["choices"][0]["text"]);

  by_ids["stream"] = true;
  const auto s = curl("/v1/completions", &by_ids);
  ASSERT_EQ(s.status, 200) << s.body;
  bool done = false;
  std::string text;
  for (const auto& c : events(s.body, done))
    for (const auto& choice : c["choices"]) text += choice.value("text", "");
  EXPECT_TRUE(done);
  EXPECT_EQ(text, j["choices"][0]["text"]);
}

TEST_F(ServeCurlTest, ABadFieldGetsA400NamingIt) {
  const json bad_temperature = {{"prompt", "x"}, {"max_tokens", 2}, {"temperature", "hot"}};
  auto r = curl("/v1/completions", &bad_temperature);
  EXPECT_EQ(r.status, 400) << r.body;
  json e = json::parse(r.body)["error"];
  EXPECT_EQ(e["param"], "temperature") << e;
  EXPECT_NE(e["message"].get<std::string>().find("temperature"), std::string::npos) << e;
  EXPECT_EQ(e["code"], 400);

  const json bad_messages = {{"messages", "not a list"}, {"max_tokens", 2}};
  r = curl("/v1/chat/completions", &bad_messages);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"]["param"], "messages") << r.body;

  const json bad_token = {{"prompt", json::array({1, 2, -5})}, {"max_tokens", 2}};
  r = curl("/v1/completions", &bad_token);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"]["param"], "prompt[2]") << r.body;
}

TEST_F(ServeCurlTest, HealthModelsAndMetrics) {
  auto r = curl("/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["status"], "ok");

  r = curl("/v1/models");
  EXPECT_EQ(r.status, 200);
  const json models = json::parse(r.body);
  EXPECT_EQ(models["object"], "list");
  ASSERT_EQ(models["data"].size(), 1u);
  EXPECT_EQ(models["data"][0]["id"], "tiny");
  EXPECT_EQ(models["data"][0]["object"], "model");

  const json body = {{"prompt", "count"}, {"max_tokens", 3}, {"ignore_eos", true}};
  ASSERT_EQ(curl("/v1/completions", &body).status, 200);
  r = curl("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.content_type.find("text/plain"), std::string::npos) << r.content_type;
  for (const char* line : {"# TYPE gauntlet_queue_depth gauge", "gauntlet_running_batch ", "gauntlet_tokens_per_second ",
                           "gauntlet_kv_blocks_used 0\n", "gauntlet_kv_blocks_free ", "gauntlet_prefix_cache_hits_total ",
                           "# TYPE gauntlet_generated_tokens_total counter"})
    EXPECT_NE(r.body.find(line), std::string::npos) << line << "\n" << r.body;
}

}  // namespace
