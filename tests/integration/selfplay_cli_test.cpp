// `gauntlet selfplay` end to end against the scripted OpenAI-compatible endpoint (the fake server's
// "selfplay" script: valid, invalid, non-deterministic and slow proposals, right, wrong and
// unformatted solutions): buffers grow by exactly the valid proposals, every rollout holds the
// reward and advantage the rules give, the verifier agrees with what the script meant, the export
// carries what a trainer needs, and a run killed with -9 (then interrupted with SIGINT) resumes to
// exactly what an uninterrupted run produces, without asking for a stored generation again.
#include <sys/types.h>
#include <sys/wait.h>

#include <csignal>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <tuple>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/store/rollout_record.h"
#include "harness/selfplay/rewards.h"
#include "harness/store/store.h"
#include "tests/support/command.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/selfplay_script.h"

namespace {

using gauntlet::harness::BufferRow;
using gauntlet::harness::RolloutKey;
using gauntlet::harness::RolloutRecord;
using gauntlet::harness::Store;
using gauntlet::testing::FakeOpenAIServer;
using gauntlet::testing::FakeServerOptions;
using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;
using nlohmann::json;
using namespace std::chrono_literals;

const std::string kBinary = GAUNTLET_BINARY;
constexpr int kBatch = 6;
constexpr int kSamples = 4;
const std::vector<std::string> kTypes = {"abduction", "deduction", "induction"};

std::string config_yaml(const std::string& base_url, int steps, int concurrency = 16,
                        const std::string& model_extra = "") {
  std::ostringstream y;
  y << "name: azr\nseed: 5\nsteps: " << steps << "\nbatch: " << kBatch << "\nsolver_samples: " << kSamples << "\n"
    << "proposer:\n"
    << "  name: scripted\n"
    << "  base_url: " << base_url << "\n"
    << "  model: fake-model\n"
    << "  concurrency: " << concurrency << "\n"
    << "  backoff_initial: 0.05\n"
    << model_extra << "  params: {temperature: 1.0, seed: 11, max_tokens: 512}\n"
    << "  extra_body: {return_token_ids: true}\n"
    << "limits:\n"
    << "  timeout_ms: 300\n";
  return y.str();
}

std::map<RolloutKey, RolloutRecord> all_rollouts(Store& store) {
  std::map<RolloutKey, RolloutRecord> out;
  store.for_each_rollout([&](const RolloutRecord& r) { out[r.key] = r; }, false);
  return out;
}

std::string group_of(const RolloutKey& k) {
  return k.run + "/" + std::to_string(k.step) + "/" + k.task_type + "/" + k.role;
}

// Everything the rules say about a finished run, recomputed here from the stored rollouts.
void expect_consistent(Store& store, int steps) {
  auto rollouts = all_rollouts(store);
  auto buffer = store.selfplay_buffer("azr");
  ASSERT_EQ(store.selfplay_steps("azr").size(), static_cast<std::size_t>(steps));

  // Buffers: the seed plus every valid proposal, in step and slot order, as validated.
  std::map<std::string, std::vector<BufferRow>> by_type;
  for (const auto& row : buffer) by_type[row.task_type].push_back(row);
  for (const auto& type : kTypes) {
    std::vector<std::string> expected = {"seed-" + type};
    for (const auto& [key, r] : rollouts)
      if (key.role == "propose" && key.task_type == type && r.outcome == "valid") expected.push_back(r.task_id);
    std::vector<std::string> actual;
    for (std::size_t i = 0; i < by_type[type].size(); ++i) {
      EXPECT_EQ(by_type[type][i].position, static_cast<int>(i));
      actual.push_back(by_type[type][i].task_id);
    }
    EXPECT_EQ(actual, expected) << type;
    EXPECT_GT(actual.size(), 1u) << type << ": the buffer never grew";
    for (const auto& row : by_type[type]) {
      if (row.step < 0) continue;
      auto task = json::parse(row.task_json);
      const int slot = std::stoi(row.task_id.substr(row.task_id.rfind('-') + 1));
      auto d = json::parse(rollouts.at({"azr", row.step, type, "propose", slot, 0}).details_json);
      EXPECT_EQ(task.at("program"), d.at("program"));
      EXPECT_EQ(task.at("inputs"), d.at("inputs"));
      EXPECT_EQ(task.at("outputs"), d.at("outputs"));
    }
  }

  // Counts: batch proposals per type and step; kSamples solutions per problem.
  std::map<std::string, int> per_group;
  std::map<std::string, std::set<int>> problems;
  for (const auto& [key, r] : rollouts) {
    ++per_group[group_of(key)];
    if (key.role == "solve") problems[group_of(key)].insert(key.slot);
  }
  for (int s = 0; s < steps; ++s)
    for (const auto& type : kTypes) {
      std::string p = "azr/" + std::to_string(s) + "/" + type;
      EXPECT_EQ(per_group[p + "/propose"], kBatch) << p;
      EXPECT_EQ(per_group[p + "/solve"], static_cast<int>(problems[p + "/solve"].size()) * kSamples) << p;
      EXPECT_GT(problems[p + "/solve"].size(), 0u) << p;
    }

  // Verdicts agree with what the script meant (its reasoning says it), injections included.
  for (const auto& [key, r] : rollouts) {
    if (key.role != "solve") continue;
    if (r.reasoning == gauntlet::testing::kScriptSolverSure) {
      EXPECT_EQ(r.outcome, "correct") << r.completion << "\n" << r.details_json;
    } else if (r.answer_text.find("<answer>") != std::string::npos) {
      EXPECT_EQ(r.reasoning, gauntlet::testing::kScriptSolverGuessing);
      EXPECT_EQ(r.outcome, "wrong") << r.completion << "\n" << r.details_json;
    } else {
      EXPECT_EQ(r.outcome, "format");
    }
  }

  // Rewards: the rules, recomputed.
  std::map<std::string, std::pair<double, int>> accuracy;  // "<step>:<task id>" -> (score sum, samples)
  for (const auto& [key, r] : rollouts)
    if (key.role == "solve") {
      auto& a = accuracy[std::to_string(key.step) + ":" + r.task_id];
      a.first += r.score;
      a.second += 1;
    }
  std::map<std::string, std::vector<std::pair<double, double>>> groups;  // (reward, advantage)
  for (const auto& [key, r] : rollouts) {
    ASSERT_TRUE(r.reward.has_value() && r.advantage.has_value()) << group_of(key) << " slot " << key.slot;
    double expected;
    if (key.role == "solve") {
      expected = !r.format_ok ? -1.0 : r.outcome == "correct" ? 1.0 : 0.0;
    } else if (r.outcome != "valid" || !r.format_ok) {
      expected = -1.0;
    } else {
      const auto& a = accuracy.at(std::to_string(key.step) + ":" + r.task_id);
      EXPECT_EQ(a.second, kSamples) << r.task_id;
      expected = gauntlet::harness::learnability(a.first / a.second);
    }
    EXPECT_DOUBLE_EQ(*r.reward, expected) << group_of(key) << " slot " << key.slot << " " << r.outcome;
    groups[group_of(key)].emplace_back(*r.reward, *r.advantage);
  }
  for (const auto& [group, pairs] : groups) {
    double mean = 0, ss = 0;
    for (const auto& [rw, adv] : pairs) mean += rw;
    mean /= pairs.size();
    for (const auto& [rw, adv] : pairs) ss += (rw - mean) * (rw - mean);
    double sd = pairs.size() > 1 ? std::sqrt(ss / (pairs.size() - 1)) : 1.0;
    if (pairs.size() == 1) mean = 0;
    for (const auto& [rw, adv] : pairs) EXPECT_NEAR(adv, (rw - mean) / (sd + 1e-6), 1e-9) << group;
  }
}

TEST(SelfPlayCli, ScriptedEndpointRunGrowsBuffersAndRewardsByTheRules) {
  FakeServerOptions options;
  options.script = "selfplay";
  FakeOpenAIServer server(options);
  server.start();
  TempDir dir;
  dir.write("sp.yaml", config_yaml(server.base_url(), 3));
  const std::string db = dir.file("sp.db");
  auto run = run_command(kBinary + " selfplay " + dir.file("sp.yaml") + " --db " + db);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("selfplay: step 1/3: valid"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("selfplay: step 3/3: valid"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("3/3 steps finished (3 by this run)"), std::string::npos) << run.err;
  std::cout << run.err.substr(run.err.rfind("gauntlet: self-play")) << std::flush;

  Store store(db);
  expect_consistent(store, 3);

  // Step statistics as stored.
  auto stats = json::parse(store.selfplay_steps("azr").back().stats_json);
  for (const char* k : {"proposals", "valid_rate", "reject_reasons", "solve_rate", "buffer_sizes", "tokens",
                        "sandbox_execs", "wall_s", "phase_s"})
    EXPECT_TRUE(stats.contains(k)) << k;
  std::size_t buffered = 0;
  for (const auto& type : kTypes) buffered += stats["buffer_sizes"][type].get<std::size_t>();
  EXPECT_EQ(buffered, store.selfplay_buffer("azr").size());
  EXPECT_GT(stats["tokens"]["completion"].get<long>(), 0);

  // `report` shows each finished step of the run, in text and JSON.
  auto report = run_command(kBinary + " report --db " + db);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("== self-play "), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("step 1/"), std::string::npos) << report.out;
  auto report_json = run_command(kBinary + " report --db " + db + " --json");
  ASSERT_EQ(report_json.exit_code, 0) << report_json.err;
  const auto report_doc = nlohmann::json::parse(report_json.out);
  ASSERT_TRUE(report_doc.contains("selfplay")) << report_json.out;
  ASSERT_EQ(report_doc["selfplay"].size(), 1u);
  EXPECT_GE(report_doc["selfplay"].begin()->size(), 1u);
  EXPECT_TRUE(report_doc["selfplay"].begin()->front().contains("valid_rate"));

  // The export: one line per rollout with the trainer's fields.
  auto exported = run_command(kBinary + " export --db " + db + " --rollouts " + dir.file("r.jsonl"));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::istringstream lines(read_file(dir.file("r.jsonl")));
  std::string line;
  std::size_t n = 0;
  while (std::getline(lines, line)) {
    auto j = json::parse(line);
    ++n;
    for (const char* k : {"prompt", "response", "prompt_ids", "response_ids", "response_logprobs", "reward",
                          "advantage", "uid", "step", "task_type", "role", "task_id", "outcome"})
      ASSERT_TRUE(j.contains(k)) << k << " missing in " << line;
    EXPECT_TRUE(j["prompt_ids"].is_array() && !j["prompt_ids"].empty());
    EXPECT_TRUE(j["response_ids"].is_array() && !j["response_ids"].empty());
    EXPECT_EQ(j["response_ids"].size(), j["response_logprobs"].size());
    EXPECT_EQ(j["uid"], "azr/" + std::to_string(j["step"].get<int>()) + "/" + j["task_type"].get<std::string>() + "/" +
                            j["role"].get<std::string>());
    if (!j["reasoning"].get<std::string>().empty()) {
      EXPECT_NE(j["response"].get<std::string>().find("</think>"), std::string::npos);
    }
  }
  EXPECT_EQ(n, all_rollouts(store).size());
  EXPECT_NE(exported.err.find("exported " + std::to_string(n) + " rollouts"), std::string::npos);

  // Rerunning asks for nothing; a larger `steps:` runs only the new step.
  server.reset_stats();
  auto again = run_command(kBinary + " selfplay " + dir.file("sp.yaml") + " --db " + db + " --resume --no-progress");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("3/3 steps finished (0 by this run)"), std::string::npos) << again.err;
  EXPECT_EQ(server.stats()["requests"].get<long>(), 0);
  dir.write("sp.yaml", config_yaml(server.base_url(), 4));
  auto more = run_command(kBinary + " selfplay " + dir.file("sp.yaml") + " --db " + db + " --no-progress");
  ASSERT_EQ(more.exit_code, 0) << more.err;
  EXPECT_NE(more.err.find("4/4 steps finished (1 by this run)"), std::string::npos) << more.err;
  Store after(db);
  expect_consistent(after, 4);

  // The script's mix of proposals shows up with its reasons.
  std::set<std::string> outcomes;
  for (const auto& [key, r] : all_rollouts(after))
    if (key.role == "propose") outcomes.insert(r.outcome);
  for (const char* reason :
       {"valid", "format", "forbidden_import", "multiple_functions", "nested_function", "syntax_error", "no_function_f",
        "nondeterministic", "timeout", "error", "output_too_long", "bad_input", "input_count", "missing_message"})
    EXPECT_TRUE(outcomes.count(reason)) << "no proposal was rejected (or accepted) as " << reason;

  // A changed configuration under the same name is refused, naming the run.
  dir.write("sp.yaml", config_yaml(server.base_url(), 4) + "rewards: {well_formed_zero: -0.5}\n");
  auto changed = run_command(kBinary + " selfplay " + dir.file("sp.yaml") + " --db " + db);
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_NE(changed.err.find("self-play run 'azr' was already run here with a different configuration"),
            std::string::npos)
      << changed.err;
}

// ---- crash and interrupt ---------------------------------------------------------------------------

// Waits until the run has finished `steps_done` steps and stored at least `rollouts` generations of
// the next one, with the process still running. False (with a failure) when it ends first.
bool wait_until(pid_t pid, const std::string& db, int steps_done, std::size_t rollouts, const std::string& err_path) {
  auto deadline = std::chrono::steady_clock::now() + 60s;
  std::unique_ptr<Store> store;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      ADD_FAILURE() << "gauntlet ended (status " << status << ") before step " << steps_done << " had " << rollouts
                    << " generations; stderr:\n"
                    << read_file(err_path);
      return false;
    }
    if (!store && std::filesystem::exists(db)) store = std::make_unique<Store>(db);
    if (store && store->selfplay_steps("azr").size() >= static_cast<std::size_t>(steps_done) &&
        store->rollouts("azr", steps_done).size() >= rollouts)
      return true;
    std::this_thread::sleep_for(2ms);
  }
  ADD_FAILURE() << "timed out waiting for step " << steps_done;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return false;
}

// What two runs must agree on: buffers, every rollout's text, verdict, reward and advantage, and
// the step statistics (except the time and the sandbox work of this invocation).
struct Outcome {
  std::vector<std::tuple<std::string, int, std::string, std::string>> buffer;
  std::map<RolloutKey, std::tuple<std::string, std::string, double, double, double, std::string>> rollouts;
  std::vector<json> stats;
};

Outcome outcome_of(const std::string& db) {
  Store store(db);
  Outcome o;
  for (const auto& b : store.selfplay_buffer("azr"))
    o.buffer.emplace_back(b.task_type, b.position, b.task_id, b.task_json);
  for (const auto& [key, r] : all_rollouts(store)) {
    auto details = json::parse(r.details_json);
    if (r.outcome == "timeout") details.erase("detail");  // holds the measured CPU time
    o.rollouts[key] = {r.completion,  r.outcome, r.score, r.reward.value_or(NAN), r.advantage.value_or(NAN),
                       details.dump()};
  }
  for (const auto& step : store.selfplay_steps("azr")) {
    auto j = json::parse(step.stats_json);
    j.erase("wall_s");
    j.erase("sandbox_execs");
    j.erase("phase_s");
    o.stats.push_back(j);
  }
  return o;
}

TEST(SelfPlayCli, Kill9AndSigintThenResumeEqualsAnUninterruptedRun) {
  constexpr int kSteps = 4;
  FakeServerOptions options;
  options.script = "selfplay";
  options.latency_ms = 25;
  FakeOpenAIServer server(options);
  server.start();
  TempDir dir;
  dir.write("sp.yaml", config_yaml(server.base_url(), kSteps, /*concurrency=*/4));
  const std::string db = dir.file("interrupted.db");
  auto args = [&](bool resume) {
    std::vector<std::string> a = {kBinary, "selfplay", dir.file("sp.yaml"), "--db", db, "--no-progress"};
    if (resume) a.push_back("--resume");
    return a;
  };

  // 1. kill -9 in the middle of step 1.
  pid_t pid = gauntlet::testing::spawn(args(false), dir.file("out1"), dir.file("err1"));
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_until(pid, db, 1, 5, dir.file("err1")));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  auto killed = gauntlet::testing::wait_exit(pid, 10s);
  ASSERT_EQ(killed.signal, SIGKILL) << "gauntlet finished before the kill";
  std::map<RolloutKey, RolloutRecord> at_kill;
  {
    Store store(db);
    at_kill = all_rollouts(store);
    ASSERT_LT(store.selfplay_steps("azr").size(), static_cast<std::size_t>(kSteps));
  }
  server.reset_stats();

  // 2. Resume, then SIGINT in the middle of step 2: in-flight requests finish and commit, exit 130.
  pid = gauntlet::testing::spawn(args(true), dir.file("out2"), dir.file("err2"));
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_until(pid, db, 2, 5, dir.file("err2")));
  ASSERT_EQ(kill(pid, SIGINT), 0);
  auto interrupted = gauntlet::testing::wait_exit(pid, 60s);
  ASSERT_TRUE(interrupted.exited) << "signal " << interrupted.signal;
  EXPECT_EQ(interrupted.code, 130) << read_file(dir.file("err2"));
  EXPECT_NE(read_file(dir.file("err2")).find("interrupted; rerun the same command"), std::string::npos);

  // 3. Resume to the end.
  pid = gauntlet::testing::spawn(args(true), dir.file("out3"), dir.file("err3"));
  ASSERT_GT(pid, 0);
  auto finished = gauntlet::testing::wait_exit(pid, 120s);
  ASSERT_TRUE(finished.exited && finished.code == 0) << read_file(dir.file("err3"));
  const long resumed_requests = server.stats()["requests"].get<long>();

  Store store(db);
  expect_consistent(store, kSteps);
  auto final_rollouts = all_rollouts(store);
  // Nothing stored before the kill was asked for again or rewritten; everything else exactly once.
  EXPECT_EQ(resumed_requests, static_cast<long>(final_rollouts.size() - at_kill.size()));
  auto runs = store.runs();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].status, "running");  // killed
  EXPECT_EQ(runs[1].status, "interrupted");
  EXPECT_EQ(runs[2].status, "finished");
  for (const auto& [key, before] : at_kill) {
    ASSERT_TRUE(final_rollouts.count(key));
    const auto& after = final_rollouts.at(key);
    EXPECT_EQ(after.run_id, runs[0].id) << group_of(key) << " slot " << key.slot << " was generated again";
    EXPECT_EQ(after.completion, before.completion);
    EXPECT_EQ(after.created_at, before.created_at);
  }

  // 4. The same config uninterrupted on a fresh database: the same run.
  const std::string clean = dir.file("clean.db");
  auto straight = run_command(kBinary + " selfplay " + dir.file("sp.yaml") + " --db " + clean + " --no-progress");
  ASSERT_EQ(straight.exit_code, 0) << straight.err;
  auto a = outcome_of(db), b = outcome_of(clean);
  EXPECT_EQ(a.buffer, b.buffer);
  EXPECT_EQ(a.rollouts.size(), b.rollouts.size());
  for (const auto& [key, value] : b.rollouts) {
    ASSERT_TRUE(a.rollouts.count(key)) << group_of(key) << " slot " << key.slot << " sample " << key.sample;
    EXPECT_EQ(a.rollouts.at(key), value) << group_of(key) << " slot " << key.slot << " sample " << key.sample;
  }
  EXPECT_EQ(a.stats, b.stats);
}

// A model's budget policy applies to self-play too: every rollout's record names it, and the
// export carries it. An s1 cap over HTTP (the turn continued through /v1/chat/completions with
// continue_final_message): the fake model's self-play replies think briefly, so some turns are capped.
TEST(SelfPlayCli, ABudgetPolicyIsAppliedAndRecordedOnEveryRollout) {
  FakeServerOptions options;
  options.script = "selfplay";
  options.assistant_marker = "<|assistant|>";
  FakeOpenAIServer server(options);
  server.start();
  TempDir dir;
  dir.write("sp.yaml", config_yaml(server.base_url(), 1, 16, "  budget: \"budget:3\"\n"));
  const std::string db = dir.file("sp.db");
  auto run = run_command(kBinary + " selfplay " + dir.file("sp.yaml") + " --db " + db + " --no-progress");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto exported = run_command(kBinary + " export --db " + db + " --rollouts " + dir.file("r.jsonl"));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::istringstream lines(read_file(dir.file("r.jsonl")));
  std::string line;
  std::size_t n = 0, capped = 0;
  while (std::getline(lines, line)) {
    const auto j = json::parse(line);
    ++n;
    ASSERT_TRUE(j.contains("budget")) << line;
    EXPECT_EQ(j["budget"]["policy"], "budget") << line;
    EXPECT_EQ(j["budget"]["params"]["thinking_tokens"], 3) << line;
    EXPECT_EQ(j["budget"]["method"], "continue_final_message") << line;
    EXPECT_LE(j["budget"]["thinking_tokens"].get<int>(), 3) << line;
    capped += j["budget"]["cut_reason"] == "cap";
  }
  EXPECT_GT(n, 0u);
  EXPECT_GT(capped, 0u) << "the fake model thinks longer than 3 words on some prompts";
}

TEST(SelfPlayCli, FailedRequestsStopTheRunKeepingWhatArrivedAndARerunAsksOnlyForTheRest) {
  FakeServerOptions failing;
  failing.script = "selfplay";
  failing.fault_rate = 0.3;       // these prompts fail on every attempt
  failing.fault_attempts = 1000;
  failing.faults = {"500"};
  FakeOpenAIServer broken(failing);
  broken.start();
  TempDir dir;
  dir.write("sp.yaml", config_yaml(broken.base_url(), 2, 16, "  max_retries: 1\n"));
  const std::string db = dir.file("sp.db");
  auto first = run_command(kBinary + " selfplay " + dir.file("sp.yaml") + " --db " + db + " --no-progress");
  EXPECT_EQ(first.exit_code, 1) << first.err;
  EXPECT_NE(first.err.find("request(s) failed after retries"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("HTTP 500"), std::string::npos) << first.err;
  std::size_t kept = 0;
  {
    Store store(db);
    EXPECT_TRUE(store.selfplay_steps("azr").empty());
    kept = store.rollouts("azr", 0).size();
    EXPECT_GT(kept, 0u);
    EXPECT_LT(kept, static_cast<std::size_t>(3 * kBatch));
    EXPECT_EQ(store.runs().back().status, "failed");
  }
  // The same run against a healthy server (URLs are not part of the configuration).
  FakeServerOptions healthy;
  healthy.script = "selfplay";
  FakeOpenAIServer server(healthy);
  server.start();
  dir.write("sp.yaml", config_yaml(server.base_url(), 2, 16, "  max_retries: 1\n"));
  auto second = run_command(kBinary + " selfplay " + dir.file("sp.yaml") + " --db " + db + " --no-progress");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  Store store(db);
  expect_consistent(store, 2);
  EXPECT_EQ(server.stats()["requests"].get<std::size_t>(), all_rollouts(store).size() - kept);
}

TEST(SelfPlayCli, ConfigAndUsageErrorsExitTwo) {
  TempDir dir;
  dir.write("bad.yaml", "name: x\nproposer:\n  name: m\n  base_url: http://127.0.0.1:9/v1\nsolver_sample: 3\n");
  auto r = run_command(kBinary + " selfplay " + dir.file("bad.yaml") + " --db " + dir.file("x.db"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:5:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("solver_sample"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.db")));
  auto export_nothing = run_command(kBinary + " export --db " + dir.file("x.db"));
  EXPECT_EQ(export_nothing.exit_code, 2);
}

}  // namespace
