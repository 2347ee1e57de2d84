// The harness as an overnight tool: each test is one of the ways a long unattended run went wrong
// when tried as a new user would (a moved checkout, a config typo, a grown task, a prompt over the
// context, a server that is not there, Ctrl-C during a backoff, `timeout -s INT`, two runs on one
// database, merged shards losing their runs), driven through the gauntlet binary.
#include <sys/wait.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/digest/fingerprint.h"
#include "harness/store/store.h"
#include "tests/support/command.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using gauntlet::harness::Store;
using gauntlet::testing::FakeOpenAIServer;
using gauntlet::testing::FakeServerOptions;
using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::spawn;
using gauntlet::testing::TempDir;
using gauntlet::testing::wait_exit;
using nlohmann::json;
using namespace std::chrono_literals;

const std::string kBinary = GAUNTLET_BINARY;
const std::string kTestbed = std::string(GAUNTLET_SOURCE_DIR) + "/benchmarks/testbed/model";

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string arithmetic_rows(int n) {
  std::string data;
  for (int i = 0; i < n; ++i)
    data += "{\"id\": \"q" + std::to_string(i) + "\", \"question\": \"What is " + std::to_string(i + 3) + " + " +
            std::to_string(2 * i) + "?\", \"answer\": \"" + std::to_string(3 * i + 3) + "\"}\n";
  return data;
}

std::string toy_suite(const std::string& name, int samples, const std::string& pass_at_k) {
  return "name: " + name +
         "\nmodels:\n  - name: toy\n    provider: toy\ntasks:\n  - name: arith\n    dataset: data.jsonl\n"
         "    prompt: \"{question}\"\n    id_field: id\n    scorer: math\n    samples: " +
         std::to_string(samples) + (pass_at_k.empty() ? "" : "\n    pass_at_k: " + pass_at_k) + "\n";
}

// Waits until `db` holds at least `n` samples while `pid` still runs.
bool wait_for_samples(pid_t pid, const std::string& db, std::int64_t n, std::chrono::seconds limit = 30s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      ADD_FAILURE() << "gauntlet exited (status " << status << ") before " << n << " samples were committed";
      return false;
    }
    if (fs::exists(db)) {
      try {
        Store store(db);
        if (store.sample_count() >= n) return true;
      } catch (const std::exception&) {
      }
    }
    std::this_thread::sleep_for(20ms);
  }
  ADD_FAILURE() << "timed out waiting for " << n << " samples in " << db;
  return false;
}

// ---- 1. a moved checkout resumes, and shards made in different places merge ---------------------

TEST(Overnight, MovedCheckoutResumesAndItsShardsMerge) {
  TempDir root;
  const fs::path a = fs::path(root.path()) / "checkout-a";
  const fs::path b = fs::path(root.path()) / "elsewhere" / "checkout-b";
  fs::create_directories(a);
  auto made = run_command(kBinary + " make-model --out " + (a / "model").string() +
                          " --layers 1 --hidden 32 --heads 2 --kv-heads 1 --head-dim 16 --experts 4 --top-k 2"
                          " --moe-ff 16 --dtype f32 --seed 5");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string data;
  for (int i = 0; i < 4; ++i) data += "{\"q\": \"" + std::to_string(i) + "+1\", \"answer\": \"" + std::to_string(i + 1) + "\"}\n";
  std::ofstream(a / "d.jsonl") << data;
  std::ofstream(a / "s.yaml") << "name: moved\nmodels:\n  - name: tiny\n    provider: engine\n    path: model\n"
                                 "    params: {max_tokens: 3, temperature: 0}\n"
                                 "tasks:\n  - name: t\n    dataset: d.jsonl\n    prompt: \"{q}\"\n    scorer: math\n";
  auto first = run_command(kBinary + " eval " + (a / "s.yaml").string() + " --db " + (a / "s0.db").string() +
                           " --shard 0/2 --no-progress");
  ASSERT_EQ(first.exit_code, 0) << first.err;

  // Move the checkout (a copy with new modification times: the digest cache beside the checkpoint
  // no longer matches and the weights are hashed again, to the same digest).
  fs::create_directories(b.parent_path());
  fs::copy(a, b, fs::copy_options::recursive);
  fs::remove_all(a / "model");  // the old location is gone, as after a move
  auto resumed = run_command(kBinary + " eval " + (b / "s.yaml").string() + " --db " + (b / "s0.db").string() +
                             " --shard 0/2 --no-progress");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("2 samples planned, 2 already done, 0 completed"), std::string::npos) << resumed.err;

  auto other = run_command(kBinary + " eval " + (b / "s.yaml").string() + " --db " + (b / "s1.db").string() +
                           " --shard 1/2 --no-progress");
  ASSERT_EQ(other.exit_code, 0) << other.err;
  // Shards made in two places merge.
  auto merged = run_command(kBinary + " merge " + (b / "all.db").string() + " " + (a / "s0.db").string() + " " +
                            (b / "s1.db").string());
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  auto report = run_command(kBinary + " report --db " + (b / "all.db").string() + " --json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(json::parse(report.out)["results"][0]["samples"], 4);

  // Nothing in the stored definition names a location.
  Store store((b / "all.db").string());
  ASSERT_EQ(store.models().size(), 1u);
  EXPECT_EQ(store.models()[0].config_json.find(root.path()), std::string::npos) << store.models()[0].config_json;
  EXPECT_NE(store.models()[0].config_json.find("\"checkpoint\""), std::string::npos);
  for (const auto& t : store.tasks()) EXPECT_EQ(t.config_json.find(root.path()), std::string::npos) << t.config_json;
}

TEST(Overnight, DatabaseFromBeforeContentDigestsKeepsWorkingAfterAMove) {
  TempDir root;
  const fs::path dir(root.path());
  auto made = run_command(kBinary + " make-model --out " + (dir / "model").string() +
                          " --layers 1 --hidden 32 --heads 2 --kv-heads 1 --head-dim 16 --experts 4 --top-k 2"
                          " --moe-ff 16 --dtype f32 --seed 5");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::ofstream(dir / "d.jsonl") << "{\"q\": \"1+1\", \"answer\": \"2\"}\n{\"q\": \"2+2\", \"answer\": \"4\"}\n";
  std::ofstream(dir / "s.yaml") << "name: old\nmodels:\n  - name: tiny\n    provider: engine\n    path: model\n"
                                   "    params: {max_tokens: 3, temperature: 0}\n"
                                   "tasks:\n  - name: t\n    dataset: d.jsonl\n    prompt: \"{q}\"\n    scorer: math\n";
  const std::string db = (dir / "old.db").string();
  ASSERT_EQ(run_command(kBinary + " eval " + (dir / "s.yaml").string() + " --db " + db + " --no-progress").exit_code, 0);
  // Rewrite the model row as an older gauntlet recorded it: the checkpoint's absolute path (of a
  // checkout that no longer exists), no digest.
  {
    Store store(db);
    auto row = store.models().at(0);
    auto j = json::parse(row.config_json);
    j.erase("checkpoint");
    j["path"] = "/old/checkout/benchmarks/model";
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(raw, "UPDATE models SET fingerprint=?, config_json=? WHERE name='tiny'", -1, &st,
                                 nullptr),
              SQLITE_OK);
    const std::string fp = gauntlet::harness::fingerprint(j), text = j.dump();
    sqlite3_bind_text(st, 1, fp.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, text.c_str(), -1, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(raw);
  }
  auto again = run_command(kBinary + " eval " + (dir / "s.yaml").string() + " --db " + db + " --no-progress");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("2 already done, 0 completed"), std::string::npos) << again.err;
  Store store(db);
  EXPECT_NE(store.models().at(0).config_json.find("\"checkpoint\""), std::string::npos);  // upgraded in place
  // A really different model under that name is still refused.
  auto changed = run_command("sed -i 's/max_tokens: 3/max_tokens: 4/' " + (dir / "s.yaml").string() + " && " + kBinary +
                             " eval " + (dir / "s.yaml").string() + " --db " + db + " --no-progress");
  EXPECT_NE(changed.exit_code, 0);
  EXPECT_NE(changed.err.find("different configuration"), std::string::npos) << changed.err;
}

// ---- 2. a config mistake leaves nothing behind ------------------------------------------------------

TEST(Overnight, PromptTypoLeavesNoDatabaseAndTheFixedRunIsAccepted) {
  TempDir dir;
  dir.write("data.jsonl", arithmetic_rows(3));
  std::string suite = toy_suite("typo", 1, "");
  dir.write("bad.yaml", std::string(suite).replace(suite.find("{question}"), 10, "{questoin}"));
  const std::string db = dir.file("out/run.db");
  auto bad = run_command(kBinary + " eval " + dir.file("bad.yaml") + " --db " + db + " --no-progress");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("field 'questoin' is not in the row"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(dir.file("out"))) << "a failed validation left " << dir.file("out");

  dir.write("good.yaml", suite);
  auto good = run_command(kBinary + " eval " + dir.file("good.yaml") + " --db " + db + " --no-progress");
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

TEST(Overnight, UnstartableBotOrUnloadableModelLeavesNoDatabase) {
  TempDir dir;
  dir.write("t.yaml",
            "name: t\nplayers:\n  - name: sf\n    bot: stockfish\n    options: {path: /nonexistent/stockfish}\n"
            "  - name: r\n    bot: random\ngames:\n  - game: chess\n    options: {max_plies: 10}\n");
  auto t = run_command(kBinary + " tournament " + dir.file("t.yaml") + " --db " + dir.file("t.db") + " --no-progress");
  EXPECT_EQ(t.exit_code, 2) << t.err;
  EXPECT_FALSE(fs::exists(dir.file("t.db")));

  fs::create_directories(dir.file("empty-model"));
  dir.write("empty-model/config.json", "{}");
  dir.write("data.jsonl", arithmetic_rows(2));
  dir.write("s.yaml", "name: s\nmodels:\n  - name: m\n    provider: engine\n    path: empty-model\n"
                      "tasks:\n  - name: a\n    dataset: data.jsonl\n    prompt: \"{question}\"\n");
  auto s = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + dir.file("s.db") + " --no-progress");
  EXPECT_EQ(s.exit_code, 2) << s.err;
  EXPECT_NE(s.err.find("model 'm': cannot load"), std::string::npos) << s.err;
  EXPECT_FALSE(fs::exists(dir.file("s.db")));
}

// ---- 3. a grown task reports its new settings ---------------------------------------------------------

TEST(Overnight, GrowingSamplesUpdatesPassAtK) {
  TempDir dir;
  dir.write("data.jsonl", arithmetic_rows(5));
  dir.write("s.yaml", toy_suite("grow", 4, "[1, 4]"));
  const std::string db = dir.file("g.db");
  ASSERT_EQ(run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + db + " --no-progress").exit_code, 0);
  dir.write("s.yaml", toy_suite("grow", 6, "[1, 6]"));
  auto grown = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + db + " --no-progress");
  ASSERT_EQ(grown.exit_code, 0) << grown.err;
  EXPECT_NE(grown.err.find("30 samples planned, 20 already done, 10 completed"), std::string::npos) << grown.err;
  EXPECT_NE(grown.out.find("p@6"), std::string::npos) << grown.out;
  EXPECT_EQ(grown.out.find("p@4"), std::string::npos) << grown.out;
  auto report = run_command(kBinary + " report --db " + db + " --json");
  auto pass = json::parse(report.out)["results"][0]["pass_at_k"];
  EXPECT_TRUE(pass.contains("6")) << pass;
  EXPECT_FALSE(pass.contains("4")) << pass;
}

// ---- 4. context overflow is reported --------------------------------------------------------------

TEST(Overnight, PromptOverTheContextIsReported) {
  TempDir dir;
  std::string long_question;
  for (int i = 0; i < 1200; ++i) long_question += "qzx";  // > 1,024 tokens with the testbed's tokenizer
  dir.write("data.jsonl", "{\"question\": \"" + long_question + " 1+1\", \"answer\": \"2\"}\n"
                          "{\"question\": \"What is 2+2?\", \"answer\": \"4\"}\n");
  const std::string suite = "name: ctx\nmodels:\n  - name: testbed\n    provider: engine\n    path: " + kTestbed +
                            "\n    params: {max_tokens: 64, temperature: 0}\ntasks:\n  - name: t\n    dataset: data.jsonl\n"
                            "    prompt: \"{question}\"\n    scorer: math\n";
  dir.write("s.yaml", suite);
  auto run = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + dir.file("c.db") + " --no-progress");
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("1 samples did not fit the model's context"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("context too long: the prompt has"), std::string::npos) << run.err;
  auto exported = run_command(kBinary + " export --db " + dir.file("c.db") + " --samples -");
  EXPECT_NE(exported.out.find("\"finish_reason\":\"context\""), std::string::npos) << exported.out;

  // Configured to count as a wrong answer instead.
  dir.write("w.yaml", "context_overflow: wrong\n" + suite);
  auto wrong = run_command(kBinary + " eval " + dir.file("w.yaml") + " --db " + dir.file("w.db") + " --no-progress");
  EXPECT_EQ(wrong.exit_code, 0) << wrong.err;
  EXPECT_NE(wrong.err.find("scored as wrong"), std::string::npos) << wrong.err;
}

TEST(Overnight, EngineStopsAtTheContextEndAndRefusesAPromptWithNoRoom) {
  std::string ids;
  for (int i = 0; i < 1010; ++i) ids += (i ? "," : "") + std::to_string(40 + i % 20);
  auto cut = run_command(kBinary + " generate --model " + kTestbed + " --prompt-ids " + ids +
                         " --max-tokens 100 --ignore-eos --json");
  ASSERT_EQ(cut.exit_code, 0) << cut.err;
  auto j = json::parse(cut.out);
  EXPECT_EQ(j["finish_reason"], "context");
  EXPECT_EQ(j["prompt_ids"].size() + j["tokens"].size(), 1025u);  // every position up to 1,024 used

  std::string full;
  for (int i = 0; i < 1024; ++i) full += (i ? "," : "") + std::string("40");
  auto refused = run_command(kBinary + " generate --model " + kTestbed + " --prompt-ids " + full + " --max-tokens 4");
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("context too long: the prompt has 1024 tokens"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("::"), std::string::npos) << refused.err;  // no internal function names
}

// ---- 5. no server, a quick answer ------------------------------------------------------------------

TEST(Overnight, UnreachableUrlFailsWithinSecondsQuotingTheError) {
  TempDir dir;
  dir.write("data.jsonl", arithmetic_rows(6));
  dir.write("s.yaml", "name: dead\nmodels:\n  - name: nobody\n    base_url: http://127.0.0.1:" +
                          std::to_string(gauntlet::testing::closed_local_port()) +
                          "/v1\ntasks:\n  - name: arith\n    dataset: data.jsonl\n    prompt: \"{question}\"\n");
  auto start = std::chrono::steady_clock::now();
  auto run = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + dir.file("d.db"));  // default retries
  const double took = seconds_since(start);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_LT(took, 5.0) << run.err;
  EXPECT_NE(run.err.find("6 samples failed"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("last error: http://127.0.0.1"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("Couldn't connect to server"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("errors 6 | cached 0 | last error: "), std::string::npos) << run.err;  // the progress line
}

// ---- 6. Ctrl-C during a backoff exits 130 at once, in every runner -----------------------------------

struct AlwaysFailing {
  FakeOpenAIServer server;
  explicit AlwaysFailing(const std::string& script = "arithmetic")
      : server(gauntlet::testing::always_failing_options("500", script)) {
    server.start();
  }
  // The model mapping lines of a model on this server whose retries wait 30 s.
  std::string model_lines(const std::string& indent) const {
    return indent + "base_url: " + server.base_url() + "\n" + indent + "model: fake\n" + indent +
           "backoff_initial: 30\n" + indent + "backoff_max: 30\n";
  }
  bool wait_for_requests(long long n) const {
    for (int i = 0; i < 3000; ++i) {
      if (server.stats()["requests"].get<long long>() >= n) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
};

// Starts `args`, waits for the server to see requests, sends SIGINT; returns (exit, seconds to exit).
std::pair<gauntlet::testing::Exit, double> interrupt_during_backoff(const AlwaysFailing& f,
                                                                     const std::vector<std::string>& args,
                                                                     const TempDir& dir) {
  pid_t pid = spawn(args, dir.file("out"), dir.file("err"));
  EXPECT_GT(pid, 0);
  EXPECT_TRUE(f.wait_for_requests(1));
  std::this_thread::sleep_for(300ms);  // every first attempt has failed: all wait out a 15-30 s backoff
  auto t = std::chrono::steady_clock::now();
  kill(pid, SIGINT);
  auto exit = wait_exit(pid, 20s);
  return {exit, seconds_since(t)};
}

TEST(Overnight, CtrlCDuringBackoffExits130PromptlyInEval) {
  AlwaysFailing f;
  TempDir dir;
  dir.write("data.jsonl", arithmetic_rows(4));
  dir.write("s.yaml", "name: bo\nmodels:\n  - name: m\n" + f.model_lines("    ") +
                          "tasks:\n  - name: a\n    dataset: data.jsonl\n    prompt: \"{question}\"\n");
  auto [exit, took] = interrupt_during_backoff(f, {kBinary, "eval", dir.file("s.yaml"), "--db", dir.file("e.db")}, dir);
  EXPECT_TRUE(exit.exited);
  EXPECT_EQ(exit.code, 130) << read_file(dir.file("err"));
  EXPECT_LT(took, 3.0) << read_file(dir.file("err"));
  EXPECT_NE(read_file(dir.file("err")).find("(interrupted)"), std::string::npos) << read_file(dir.file("err"));
  Store store(dir.file("e.db"));
  EXPECT_EQ(store.sample_count(), 0);  // cancelled requests are not recorded: the rerun asks again
  EXPECT_EQ(store.runs().back().status, "interrupted");
}

TEST(Overnight, CtrlCDuringBackoffExits130PromptlyInSelfPlay) {
  AlwaysFailing f("selfplay");
  TempDir dir;
  dir.write("sp.yaml", "name: azr\nsteps: 2\nbatch: 2\nsolver_samples: 2\nproposer:\n  name: m\n" +
                           f.model_lines("  ") + "limits: {timeout_ms: 300}\n");
  auto [exit, took] =
      interrupt_during_backoff(f, {kBinary, "selfplay", dir.file("sp.yaml"), "--db", dir.file("sp.db")}, dir);
  EXPECT_TRUE(exit.exited);
  EXPECT_EQ(exit.code, 130) << read_file(dir.file("err"));
  EXPECT_LT(took, 3.0) << read_file(dir.file("err"));
}

TEST(Overnight, CtrlCDuringBackoffExits130PromptlyInATournament) {
  AlwaysFailing f;
  TempDir dir;
  dir.write("t.yaml", "name: t\nplayers:\n  - name: m\n    model:\n" + f.model_lines("      ") +
                          "  - name: r\n    bot: random\ngames:\n  - game: chess\n    options: {max_plies: 20}\n");
  auto [exit, took] =
      interrupt_during_backoff(f, {kBinary, "tournament", dir.file("t.yaml"), "--db", dir.file("t.db")}, dir);
  EXPECT_TRUE(exit.exited);
  EXPECT_EQ(exit.code, 130) << read_file(dir.file("err"));
  EXPECT_LT(took, 3.0) << read_file(dir.file("err"));
}

// ---- 7. a signal delivered twice takes the graceful path ------------------------------------------------

struct SlowSuite {
  FakeOpenAIServer server;
  TempDir dir;
  SlowSuite()
      : server([] {
          FakeServerOptions o;
          o.latency_ms = 150;
          return o;
        }()) {
    server.start();
    dir.write("data.jsonl", arithmetic_rows(200));
    dir.write("s.yaml", "name: slow\ncache: false\nmodels:\n  - name: m\n    base_url: " + server.base_url() +
                            "\n    model: fake\n    concurrency: 2\ntasks:\n  - name: a\n    dataset: data.jsonl\n"
                            "    prompt: \"{question}\"\n    id_field: id\n    scorer: math\n");
  }
  std::vector<std::string> eval(const std::string& db) const {
    return {kBinary, "eval", dir.file("s.yaml"), "--db", dir.file(db), "--no-progress"};
  }
};

TEST(Overnight, DoubleSigintTakesTheGracefulPath) {
  SlowSuite s;
  pid_t pid = spawn(s.eval("x.db"), s.dir.file("out"), s.dir.file("err"));
  ASSERT_TRUE(wait_for_samples(pid, s.dir.file("x.db"), 2));
  kill(pid, SIGINT);  // as `timeout -s INT` does: the process, then its group
  kill(pid, SIGINT);
  auto exit = wait_exit(pid, 20s);
  const std::string err = read_file(s.dir.file("err"));
  EXPECT_TRUE(exit.exited);
  EXPECT_EQ(exit.code, 130) << err;
  EXPECT_NE(err.find("(interrupted)"), std::string::npos) << err;  // the summary: not the quit-now path
  EXPECT_NE(err.find("rerun the same command"), std::string::npos) << err;
  Store store(s.dir.file("x.db"));
  EXPECT_EQ(store.runs().back().status, "interrupted");
  EXPECT_FALSE(store.writer_lock().has_value());  // released
}

TEST(Overnight, TimeoutSigIntAlwaysTakesTheGracefulPath) {
  SlowSuite s;
  for (int i = 0; i < 3; ++i) {
    const std::string db = s.dir.file("t" + std::to_string(i) + ".db");
    auto run = run_command("timeout --preserve-status -s INT 1.5 " + kBinary + " eval " + s.dir.file("s.yaml") + " --db " + db +
                           " --no-progress");
    EXPECT_EQ(run.exit_code, 130) << run.err;
    EXPECT_NE(run.err.find("(interrupted)"), std::string::npos) << run.err;
    Store store(db);
    EXPECT_EQ(store.runs().back().status, "interrupted");
  }
}

// ---- 9. one writer per database --------------------------------------------------------------------------

TEST(Overnight, SecondConcurrentRunIsRefusedAndAStaleLockIsTakenOver) {
  SlowSuite s;
  const std::string db = s.dir.file("one.db");
  pid_t first = spawn(s.eval("one.db"), s.dir.file("out1"), s.dir.file("err1"));
  ASSERT_TRUE(wait_for_samples(first, db, 1));
  auto second = run_command(kBinary + " eval " + s.dir.file("s.yaml") + " --db " + db + " --no-progress");
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_NE(second.err.find("another run is writing to this database (pid " + std::to_string(first)),
            std::string::npos)
      << second.err;
  auto merge = run_command(kBinary + " merge " + db + " " + s.dir.file("none.db"));
  EXPECT_NE(merge.exit_code, 0);

  kill(first, SIGKILL);  // the lock stays behind, naming a process that is gone
  wait_exit(first, 10s);
  {
    Store store(db);
    ASSERT_TRUE(store.writer_lock().has_value());
  }
  FakeOpenAIServer fast;
  fast.start();
  std::string suite = read_file(s.dir.file("s.yaml"));
  suite.replace(suite.find(s.server.base_url()), s.server.base_url().size(), fast.base_url());
  s.dir.write("fast.yaml", suite);
  auto third = run_command(kBinary + " eval " + s.dir.file("fast.yaml") + " --db " + db + " --no-progress");
  EXPECT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(third.err.find("taking over the lock of a run that is gone (pid " + std::to_string(first)),
            std::string::npos)
      << third.err;
}

// ---- 7 (merge). merged databases keep their history ----------------------------------------------------

TEST(Overnight, MergedDatabaseKeepsItsRuns) {
  TempDir dir;
  dir.write("data.jsonl", arithmetic_rows(6));
  dir.write("s.yaml", toy_suite("shards", 2, ""));
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + dir.file("s" + std::to_string(i) + ".db") +
                          " --shard " + std::to_string(i) + "/2 --no-progress")
                  .exit_code,
              0);
  auto merged = run_command(kBinary + " merge " + dir.file("all.db") + " " + dir.file("s0.db") + " " + dir.file("s1.db"));
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_NE(merged.err.find("now holds 12 samples, 0 matches (0 turns), 0 self-play rollouts, 0 self-play steps, 2 runs"),
            std::string::npos)
      << merged.err;
  Store store(dir.file("all.db"));
  auto runs = store.runs();
  ASSERT_EQ(runs.size(), 2u);
  std::set<std::string> shards;
  for (const auto& r : runs) shards.insert(r.shard);
  EXPECT_EQ(shards, (std::set<std::string>{"0/2", "1/2"}));
  std::map<std::int64_t, int> per_run;
  for (const auto& s : store.samples()) ++per_run[s.run_id];
  EXPECT_EQ(per_run.size(), 2u);
  for (const auto& r : runs) EXPECT_EQ(per_run[r.id], 6) << r.id;
  // Merging a shard again adds nothing, runs included.
  auto again = run_command(kBinary + " merge " + dir.file("all.db") + " " + dir.file("s1.db"));
  EXPECT_NE(again.err.find("0 new samples, 0 matches (0 turns), 0 self-play rollouts, 0 self-play steps, 0 runs"),
            std::string::npos)
      << again.err;
}

TEST(Overnight, SelfPlayGoesOnPastRequestsRejectedForGoodAndMergeCarriesIt) {
  FakeServerOptions o;
  o.script = "selfplay";
  o.fault_rate = 0.25;
  o.fault_attempts = 1000;  // these prompts are refused on every attempt
  o.faults = {"context"};
  FakeOpenAIServer server(o);
  server.start();
  TempDir dir;
  dir.write("sp.yaml", "name: azr\nseed: 3\nsteps: 1\nbatch: 4\nsolver_samples: 2\nproposer:\n  name: scripted\n"
                       "  base_url: " + server.base_url() + "\n  model: fake\n  backoff_initial: 0.05\n"
                       "  params: {temperature: 1.0, seed: 11, max_tokens: 512}\nlimits: {timeout_ms: 300}\n");
  auto run = run_command(kBinary + " selfplay " + dir.file("sp.yaml") + " --db " + dir.file("sp.db") + " --no-progress");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("1/1 steps finished"), std::string::npos) << run.err;
  int refused = 0, total = 0;
  {
    Store store(dir.file("sp.db"));
    store.for_each_rollout(
        [&](const gauntlet::harness::RolloutRecord& r) {
          ++total;
          if (r.outcome != "context") return;
          ++refused;
          EXPECT_EQ(r.finish_reason, "context");
          EXPECT_FALSE(r.format_ok);
          ASSERT_TRUE(r.reward.has_value());
          EXPECT_EQ(*r.reward, -1.0);  // rewarded as a format failure
          EXPECT_NE(r.details_json.find("maximum context length"), std::string::npos) << r.details_json;
        },
        true);
  }
  EXPECT_GT(refused, 0);
  EXPECT_LT(refused, total);

  auto merged = run_command(kBinary + " merge " + dir.file("all.db") + " " + dir.file("sp.db"));
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_NE(merged.err.find(std::to_string(total) + " self-play rollouts, 1 self-play steps, 1 runs"), std::string::npos)
      << merged.err;
  auto report = run_command(kBinary + " report --db " + dir.file("all.db") + " --json");
  EXPECT_EQ(json::parse(report.out)["selfplay"]["azr"].size(), 1u) << report.out;
  // The HTML report of a self-play database shows its steps, not "no samples".
  auto html = run_command(kBinary + " report --db " + dir.file("sp.db") + " --html " + dir.file("sp.html"));
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const std::string page = read_file(dir.file("sp.html"));
  EXPECT_NE(page.find("Self-play: azr (1 steps finished)"), std::string::npos);
  EXPECT_NE(page.find("solved deduction"), std::string::npos);
  EXPECT_EQ(page.find("no samples"), std::string::npos);
}

TEST(Overnight, OfflineSelfPlayExampleRunsOnTheEngine) {
  TempDir dir;
  auto run = run_command(kBinary + " selfplay " + std::string(GAUNTLET_SOURCE_DIR) +
                         "/examples/selfplay-engine.yaml --db " + dir.file("e.db") + " --no-progress");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("1/1 steps finished"), std::string::npos) << run.err;
  Store store(dir.file("e.db"));
  int rollouts = 0, with_ids = 0;
  store.for_each_rollout(
      [&](const gauntlet::harness::RolloutRecord& r) {
        ++rollouts;
        if (!r.response_ids_json.empty()) ++with_ids;
      },
      true);
  EXPECT_GT(rollouts, 0);
  EXPECT_GT(with_ids, 0);  // the engine's token ids, for a trainer
}

// ---- CLI errors ---------------------------------------------------------------------------------------

TEST(Overnight, CliErrorsNameTheWordAndSuggestTheClosest) {
  auto cmd = run_command(kBinary + " evl x.yaml");
  EXPECT_EQ(cmd.exit_code, 2);
  EXPECT_NE(cmd.err.find("unknown command 'evl'; did you mean 'eval'?"), std::string::npos) << cmd.err;
  auto flag = run_command(kBinary + " report --db x.db --jsn");
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.err.find("unknown option '--jsn'; did you mean '--json'?"), std::string::npos) << flag.err;

  TempDir dir;
  dir.write("data.jsonl", arithmetic_rows(1));
  dir.write("s.yaml", toy_suite("kinds", 1, ""));
  auto wrong = run_command(kBinary + " tournament " + dir.file("s.yaml") + " --db " + dir.file("k.db"));
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("this is a suite file"), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("gauntlet eval"), std::string::npos) << wrong.err;
  auto reverse = run_command(kBinary + " eval " + std::string(GAUNTLET_SOURCE_DIR) + "/examples/tournament.yaml --db " +
                             dir.file("k.db"));
  EXPECT_EQ(reverse.exit_code, 2);
  EXPECT_NE(reverse.err.find("gauntlet tournament"), std::string::npos) << reverse.err;
  EXPECT_FALSE(fs::exists(dir.file("k.db")));

  auto ids = run_command(kBinary + " generate --model " + kTestbed + " --prompt-ids 1,99999");
  EXPECT_EQ(ids.exit_code, 2);
  EXPECT_NE(ids.err.find("--prompt-ids: id 99999 is outside the vocabulary (320)"), std::string::npos) << ids.err;
}

TEST(Overnight, ModelErrorsInTournamentAndSelfPlayFilesNameTheirLine) {
  TempDir dir;
  dir.write("t.yaml", "name: t\nplayers:\n  - name: r\n    bot: random\n  - name: m\n    model:\n"
                      "      base_url: http://127.0.0.1:1/v1\n      temprature: 3\ngames:\n  - game: chess\n");
  auto t = run_command(kBinary + " tournament " + dir.file("t.yaml"));
  EXPECT_EQ(t.exit_code, 2);
  EXPECT_NE(t.err.find("t.yaml:8: players[1].model.temprature: unknown key"), std::string::npos) << t.err;
  dir.write("sp.yaml", "name: sp\nproposer:\n  base_url: http://127.0.0.1:1/v1\n  concurrency: 0\n");
  auto sp = run_command(kBinary + " selfplay " + dir.file("sp.yaml"));
  EXPECT_EQ(sp.exit_code, 2);
  EXPECT_NE(sp.err.find("sp.yaml:4: proposer.concurrency"), std::string::npos) << sp.err;
}

}  // namespace
