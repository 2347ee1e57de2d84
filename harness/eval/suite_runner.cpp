#include "harness/eval/suite_runner.h"

#include <map>
#include <mutex>

#include <fmt/format.h>

#include "harness/clients/cached_client.h"
#include "harness/errors/errors.h"
#include "harness/eval/judge_scorer.h"
#include "harness/judges/judge_set.h"
#include "harness/run/progress.h"
#include "harness/run/request_pump.h"
#include "harness/run/run_lifecycle.h"
#include "harness/run/work_queue.h"
#include "verifiers/scorer.h"

namespace gauntlet::harness {
namespace {

struct WorkItem {
  const TaskConfig* task = nullptr;
  const verifiers::Scorer* scorer = nullptr;
  std::string item_id;
  std::string reference;
  const nlohmann::json* fields = nullptr;  // the dataset row (the code scorer's tests, the judge's fields)
  int replay = 0;                          // earlier failed scorings of this sample
  std::string prompt_text;  // what is stored as the sample's prompt
  ChatRequest request;
};

// One model's work: its client and the items it still has to answer, in suite order.
struct ModelLane {
  const ModelSpec* config = nullptr;
  std::unique_ptr<ModelClient> client;
  std::vector<WorkItem> pending;
  int window = 1;
};

std::string logprobs_to_json(const std::vector<TokenLogprob>& lps) {
  if (lps.empty()) return "";
  auto a = nlohmann::json::array();
  for (const auto& lp : lps) {
    nlohmann::json e = {{"token", lp.token}, {"logprob", lp.logprob}};
    if (!lp.bytes.empty()) e["bytes"] = lp.bytes;
    if (!lp.top.empty()) {
      auto top = nlohmann::json::array();
      for (const auto& t : lp.top) top.push_back({{"token", t.token}, {"logprob", t.logprob}});
      e["top_logprobs"] = top;
    }
    a.push_back(std::move(e));
  }
  return dump_json(a);
}

}  // namespace

RunSummary run_suite(const SuiteConfig& suite, Store& store, const RunOptions& options) {
  return run_suite(prepare_suite(suite), store, options);
}

RunSummary run_suite(const PreparedSuite& prepared, Store& store, const RunOptions& options) {
  RunSummary summary;
  const SuiteConfig& suite = *prepared.suite;

  // 1. The store must hold these models and tasks (if at all) as defined here, and the questions
  //    already answered must be unchanged; only then is anything written.
  for (const auto& task : prepared.tasks)
    if (auto id = store.changed_item(task.config->name, task.item_rows()))
      throw StoreError(fmt::format(
          "{}: task '{}': item '{}' of {} differs from the one already run here; results would mix. Use a new "
          "--db, or give the changed task a new name",
          store.path().string(), task.config->name, *id, task.config->dataset.filename().string()));
  store.record_definitions(prepared.definitions());
  for (const auto& task : prepared.tasks) store.record_items(task.config->name, task.item_rows());

  // 2. Expand into work items, skipping what is already committed.
  std::vector<ModelLane> lanes(suite.models.size());
  for (std::size_t m = 0; m < suite.models.size(); ++m) {
    lanes[m].config = &suite.models[m];
    // Sent plus answered-but-not-yet-committed requests never exceed the model's concurrency, so a
    // kill re-asks at most that many (results are scored on other threads; see done_then_release).
    lanes[m].window = std::max(1, suite.models[m].concurrency);
  }
  std::int64_t pair_index = 0;
  for (const auto& prepared_task : prepared.tasks) {
    const TaskConfig& task = *prepared_task.config;
    std::vector<std::set<std::pair<std::string, int>>> done(suite.models.size());
    for (std::size_t m = 0; m < suite.models.size(); ++m) done[m] = store.done_samples(suite.models[m].name, task.name);
    // How often each errored sample's scoring failed before (a judge then asks afresh).
    std::vector<std::map<std::pair<std::string, int>, int>> replays(suite.models.size());
    for (std::size_t m = 0; m < suite.models.size(); ++m)
      for (const auto& [key, details] : store.failed_samples(suite.models[m].name, task.name)) {
        auto j = nlohmann::json::parse(details, nullptr, false);
        if (j.is_object() && j.contains("scoring_failures") && j["scoring_failures"].is_number_integer())
          replays[m][key] = j["scoring_failures"].get<int>();
      }
    for (const auto& prepared_item : prepared_task.items) {
      const DatasetItem& item = prepared_item.item;
      bool mine = !options.shard || options.shard->contains(pair_index);
      ++pair_index;
      if (!mine) continue;
      const std::string& user_text = prepared_item.user_text;
      const std::string& system_text = prepared_item.system_text;
      for (std::size_t m = 0; m < suite.models.size(); ++m) {
        const auto& model = suite.models[m];
        for (int s = 0; s < task.samples; ++s) {
          ++summary.planned;
          if (done[m].count({item.id, s})) {
            ++summary.already_done;
            continue;
          }
          WorkItem w;
          w.task = &task;
          w.scorer = prepared_task.scorer.get();  // a judge task's gets its judges in step 3
          if (auto it = replays[m].find({item.id, s}); it != replays[m].end()) w.replay = it->second;
          w.item_id = item.id;
          w.reference = item.reference;
          w.fields = &item.fields;
          w.request.sample_index = s;
          w.request.params = merge_params(model.params, task.params);
          if (w.request.params.seed) *w.request.params.seed += s;
          // A scorer that judges from the item alone (a code task's tests) may choose among a
          // `parallel` policy's samples; one that needs the reference may not (an oracle).
          if (w.scorer != nullptr && w.scorer->checks_without_reference()) {
            const verifiers::Scorer* scorer = w.scorer;
            const nlohmann::json* row = w.fields;
            w.request.answer_check = [scorer, row](const std::string& text) {
              const std::string no_reference;
              return scorer->score_item({text, no_reference, *row}).correct;
            };
          }
          if (model.sends_messages()) {
            if (!system_text.empty()) w.request.messages.push_back({"system", system_text});
            w.request.messages.push_back({"user", user_text});
            w.prompt_text = dump_json(messages_to_json(w.request.messages));
          } else {
            w.request.prompt = system_text.empty() ? user_text : system_text + "\n\n" + user_text;
            w.prompt_text = w.request.prompt;
          }
          lanes[m].pending.push_back(std::move(w));
        }
      }
    }
  }

  RunLifecycle run(store, options.run_info(suite.name, suite.path));
  summary.run_id = run.id();

  // 3. Clients, wrapped in the response cache.
  std::unique_ptr<Store> separate_cache;
  ResponseCache* cache = nullptr;
  if (suite.cache) cache = &store;
  if (!suite.cache_path.empty()) {
    separate_cache = std::make_unique<Store>(suite.cache_path);
    cache = separate_cache.get();
  }
  for (auto& lane : lanes) {
    if (lane.pending.empty()) continue;
    auto client = options.client_for(*lane.config);
    if (cache)
      client = std::make_unique<CachedClient>(std::move(client), *cache, lane.config->name,
                                              lane.config->fingerprint_json());
    lane.client = std::move(client);
  }
  // Judges (for scorer: judge) behind the same cache, and each judge task's work items' scorer.
  std::map<std::string, std::unique_ptr<verifiers::Scorer>> judge_scorers;
  std::unique_ptr<JudgeSet> judges;
  bool judging = false;
  for (const auto& lane : lanes)
    for (const auto& w : lane.pending) judging = judging || w.task->judge.has_value();
  if (judging) {
    judges = std::make_unique<JudgeSet>(suite.judges, [&](const ModelSpec& spec) { return options.client_for(spec); },
                                        cache);
    for (const auto& task : suite.tasks) {
      if (!task.judge) continue;
      std::vector<Judge*> panel;
      int concurrency = 0;
      for (const auto& name : task.judge->judges) {
        panel.push_back(&judges->judge(name));
        concurrency = concurrency == 0 ? judges->concurrency(name) : std::min(concurrency, judges->concurrency(name));
      }
      judge_scorers[task.name] = std::make_unique<JudgeScorer>(task, std::move(panel), concurrency);
    }
  }
  for (auto& lane : lanes)
    for (auto& w : lane.pending)
      if (auto it = judge_scorers.find(w.task->name); it != judge_scorers.end()) w.scorer = it->second.get();

  // 4. Feed each model up to its window; commit each result as it arrives.
  std::mutex mutex;
  std::string fatal;  // a store failure stops the run
  ProgressCounts counts;
  counts.total = summary.planned;
  counts.done = summary.already_done;

  auto on_result = [&](const ModelLane& lane, const WorkItem& w, ChatResult result) {
    if (result.cancelled()) return;  // interrupted before it was answered: missing, run again next time
    SampleRecord r;
    r.key = {lane.config->name, w.task->name, w.item_id, w.request.sample_index};
    r.run_id = summary.run_id;
    r.prompt = w.prompt_text;
    r.reference = w.reference;
    r.usage = result.usage;
    r.latency_s = result.latency_s;
    r.retries = result.retries;
    r.cached = result.from_cache;
    r.error = result.error;
    const bool overflow = result.failure == Failure::kContext;
    if (overflow) r.finish_reason = "context";
    if (overflow && suite.context_overflow == ContextOverflowPolicy::kWrong) {
      r.error.clear();  // scored as a wrong answer, as configured; the reason stays in finish_reason
      r.completion = "";
    }
    if (result.ok() && result.choices.empty()) r.error = "response had no choices";
    if (r.error.empty() && !result.choices.empty()) try {
      const Choice& c = result.choices.front();
      r.completion = c.text;
      r.reasoning = c.reasoning;
      r.finish_reason = c.finish_reason;
      auto verdict = w.scorer->score_item({c.text, w.reference, *w.fields, w.replay});
      r.answer = verdict.extracted;
      r.score = verdict.score;
      r.correct = verdict.correct;
      if (!verdict.details.is_null()) r.details_json = dump_json(verdict.details);
      r.logprobs_json = logprobs_to_json(c.logprobs);
      if (!c.token_ids.empty()) r.token_ids_json = nlohmann::json(c.token_ids).dump();
      if (!c.routing.is_null()) r.routing_json = c.routing.dump();
      if (!c.budget.is_null()) r.budget_json = c.budget.dump();
    } catch (const verifiers::ScorerError& e) {
      if (options.stop_requested()) return;  // judging cut short by Ctrl-C: missing, asked again next time
      // The scorer could not judge (a judge that failed, a sandbox that cannot start): an error
      // the next run retries, never a wrong answer.
      r.error = std::string("scoring failed: ") + e.what();
      r.score = 0;
      r.correct = false;
      r.answer.reset();
      r.details_json = dump_json({{"scoring_failures", w.replay + 1}});
    } catch (const std::exception& e) {
      // Scoring or serialising a strange completion must cost that sample, never the run.
      r.error = std::string("could not record the completion: ") + e.what();
      r.score = 0;
      r.correct = false;
    }
    std::string store_error;
    try {
      store.put_sample(r);
    } catch (const std::exception& e) {
      store_error = e.what();
    }
    std::lock_guard lock(mutex);
    if (!store_error.empty()) {
      if (fatal.empty()) fatal = store_error;
    } else {
      ++counts.done;
      if (r.error.empty()) ++summary.completed;
      else ++summary.failed;
      if (r.cached) ++summary.cached;
      if (overflow) ++summary.context_overflows;
      else if (r.finish_reason == "context") ++summary.context_cut;
      if (!r.error.empty()) summary.last_error = r.error;
      else if (overflow) summary.last_error = result.error;
    }
    counts.errors = summary.failed;
    counts.cached = summary.cached;
    counts.last_error = summary.last_error;
  };

  std::unique_ptr<Progress> progress;
  if (options.progress_out) progress = std::make_unique<Progress>(*options.progress_out, options.progress_live,
                                                                  suite.progress_interval_s);
  if (progress) progress->tick(counts);  // fixes the rate's starting point before any work
  auto live_counts = [&] {
    ProgressCounts c;
    {
      std::lock_guard lock(mutex);
      c = counts;
    }
    c.in_flight = 0;
    c.limit = 0;
    c.retries = 0;
    for (auto& lane : lanes) {
      if (!lane.client) continue;
      auto stats = lane.client->stats();
      c.in_flight += stats.in_flight;
      c.limit += stats.concurrency_limit;
      c.retries += stats.retries;
    }
    return c;
  };

  int scoring_threads = 4;
  for (const auto& task : prepared.tasks) scoring_threads = std::max(scoring_threads, task.scorer->concurrency());
  for (const auto& [name, scorer] : judge_scorers) scoring_threads = std::max(scoring_threads, scorer->concurrency());
  WorkQueue scoring(scoring_threads, static_cast<std::size_t>(2 * scoring_threads));
  std::vector<PumpLane> pump;
  for (auto& lane : lanes) {
    if (lane.pending.empty()) continue;
    PumpLane p;
    p.client = lane.client.get();
    p.window = lane.window;
    for (const auto& w : lane.pending) p.requests.push_back(w.request);
    // Scoring (tests in the sandbox, judge requests) runs on the scoring threads, so the client's
    // own thread goes back to the model at once; a full queue holds the client back. The request's
    // window slot is released once its sample is committed, so a kill re-asks at most the window.
    p.done_then_release = [&, lane_ptr = &lane](std::size_t index, ChatResult r, std::function<void()> release) {
      auto result = std::make_shared<ChatResult>(std::move(r));
      scoring.submit([&, lane_ptr, index, result, release = std::move(release)] {
        try {
          on_result(*lane_ptr, lane_ptr->pending[index], std::move(*result));
        } catch (...) {
          release();
          throw;
        }
        release();
      });
    };
    pump.push_back(std::move(p));
  }
  auto stop = [&] {
    if (options.stop_requested()) return true;
    std::lock_guard lock(mutex);
    return !fatal.empty();  // a store failure: send nothing more
  };
  pump_requests(pump, stop, [&] {
    if (progress) progress->tick(live_counts());
  });
  // Interrupted: judge requests waiting in a queue or a backoff end now too.
  if (options.stop_requested() && judges) judges->cancel_pending();
  for (auto& lane : lanes)
    if (lane.client) lane.client->drain();
  scoring.wait();
  auto final_counts = live_counts();
  summary.retries = final_counts.retries;
  if (progress) progress->finish(final_counts);

  if (!fatal.empty()) throw StoreError(fatal);  // the run is marked failed
  summary.interrupted = summary.already_done + summary.completed + summary.failed < summary.planned;
  run.finish(summary.interrupted);
  return summary;
}

}  // namespace gauntlet::harness
