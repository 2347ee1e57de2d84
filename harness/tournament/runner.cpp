#include "harness/tournament/runner.h"

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "harness/errors/errors.h"
#include "harness/judges/judge_set.h"
#include "harness/referee/referee.h"
#include "harness/tournament/match_runner.h"
#include "harness/tournament/match_schedule.h"
#include "harness/run/progress.h"
#include "harness/run/run_lifecycle.h"
#include "harness/digest/fingerprint.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_error.h"

namespace gauntlet::harness {

std::unique_ptr<sandbox::Sandbox> start_tournament_sandbox(const TournamentConfig& config) {
  bool needed = false;
  for (const auto& g : config.games) needed = needed || g.game == "pyjail";
  if (!needed) return nullptr;
  sandbox::SandboxOptions options;
  options.lanes = std::max(1, std::min<int>(config.concurrency, static_cast<int>(std::thread::hardware_concurrency())));
  try {
    return std::make_unique<sandbox::Sandbox>(options);
  } catch (const sandbox::SandboxError& e) {
    throw GauntletError(fmt::format("{}: pyjail runs programs in the sandbox, which cannot start here: {}",
                                    config.path.string(), e.what()));
  }
}

TournamentSummary run_tournament(const TournamentConfig& config, Store& store, const TournamentOptions& options) {
  check_players(config);
  return run_tournament(config, store, options, start_tournament_sandbox(config));
}

TournamentSummary run_tournament(const TournamentConfig& config, Store& store, const TournamentOptions& options,
                                 std::unique_ptr<sandbox::Sandbox> sandbox) {
  TournamentSummary summary;
  // The players were checked and the sandbox started by the caller; the model definitions are
  // recorded together first (a conflict writes nothing).
  std::vector<DefinitionWrite> definitions;
  for (const auto& p : config.players)
    if (p.model) {
      auto j = p.model->fingerprint_json();
      definitions.push_back({"models", "model", {p.name, fingerprint(j), j.dump()}});
    }
  for (const auto& judge : config.judges)
    if (judge.model) {
      auto j = judge.model->fingerprint_json();
      definitions.push_back({"models", "model", {judge.name, fingerprint(j), j.dump()}});
    }
  store.record_definitions(definitions);

  auto schedule = schedule_matches(config);
  std::set<std::string> finished;
  std::map<std::string, int> replays;  // matches that ended in an error: how often already
  for (const auto& m : store.matches(config.name)) {
    if (m.status != "error") {
      finished.insert(m.id);
      continue;
    }
    auto result = nlohmann::json::parse(m.result_json, nullptr, false);
    int earlier = result.is_object() && result.contains("replay") && result["replay"].is_number_integer()
                      ? result["replay"].get<int>()
                      : 0;
    replays[m.id] = earlier + 1;
  }
  std::vector<const ScheduledMatch*> todo;
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    if (options.shard && !options.shard->contains(static_cast<long long>(i))) continue;
    ++summary.planned;
    if (finished.count(schedule[i].id)) ++summary.already_done;
    else todo.push_back(&schedule[i]);
  }

  RunLifecycle run(store, options.run_info(config.name, config.path));
  summary.run_id = run.id();

  // One client per model player, shared by its concurrent matches.
  std::map<std::string, std::unique_ptr<ModelClient>> clients;
  std::map<const GameEntry*, RefereeSetup> setups;
  for (const auto& p : config.players)
    if (p.model) clients[p.name] = options.client_for(*p.model);
  // Judges: model judges behind the run database's response cache, or the text-statistics judge;
  // each game entry gets its panel and rubric.
  JudgeSet judges(config.judges, [&](const ModelSpec& spec) { return options.client_for(spec); }, &store);
  for (const auto& g : config.games) {
    RefereeSetup& setup = setups[&g];
    for (const auto& name : g.judges) setup.judges.push_back(&judges.judge(name));
    if (!g.rubric.is_null()) setup.rubric = Rubric::from_json(g.rubric);
  }
  Referee referee(sandbox.get());

  std::mutex mutex;
  std::size_t next = 0;
  std::string fatal;
  ProgressCounts counts;
  counts.total = summary.planned;
  counts.done = summary.already_done;
  std::unique_ptr<Progress> progress;
  if (options.progress_out)
    progress = std::make_unique<Progress>(*options.progress_out, options.progress_live, config.progress_interval_s);
  if (progress) progress->tick(counts);
  std::atomic<bool> abort{false};

  auto worker = [&] {
    MatchRunner runner(store, config.rules, config.name, summary.run_id, &referee);
    for (;;) {
      const ScheduledMatch* match = nullptr;
      {
        std::lock_guard lock(mutex);
        if (next >= todo.size() || abort || options.stop_requested()) return;
        match = todo[next++];
        ++counts.in_flight;
      }
      try {
        std::vector<SeatPlayer> seats;
        for (std::size_t s = 0; s < match->seats.size(); ++s) {
          const auto& pc = config.player(match->seats[s]);
          SeatPlayer seat;
          seat.name = pc.name;
          if (pc.model) {
            seat.client = clients.at(pc.name).get();
            seat.model = &*pc.model;
          } else {
            seat.bot = games::make_bot(pc.bot, match->game->game, pc.bot_options, match->seed + 7919 * (s + 1));
          }
          seats.push_back(std::move(seat));
        }
        auto replay = replays.find(match->id);
        auto record = runner.play(*match, seats, options.stop, setups.at(match->game),
                                  replay == replays.end() ? 0 : replay->second);
        std::lock_guard lock(mutex);
        --counts.in_flight;
        if (record) {
          ++summary.played;
          ++counts.done;
          if (record->status == "forfeit") ++summary.forfeits;
          if (record->status == "error") ++summary.errors;
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex);
        --counts.in_flight;
        if (fatal.empty()) fatal = fmt::format("match {}: {}", match->id, e.what());
        abort = true;
        return;
      }
    }
  };

  auto client_counts = [&] {
    ProgressCounts c = counts;
    std::vector<const ModelClient*> all = judges.clients();
    for (const auto& [name, client] : clients) all.push_back(client.get());
    for (const auto* client : all) {
      auto stats = client->stats();
      c.retries += stats.retries;
      c.errors += stats.errors;
      if (auto e = client->last_error(); !e.empty()) c.last_error = e;
    }
    return c;
  };
  std::vector<std::thread> threads;
  const int n = std::max(1, std::min<int>(config.concurrency, static_cast<int>(todo.size())));
  for (int i = 0; i < n; ++i) threads.emplace_back(worker);
  bool cancelled = false;
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (options.stop_requested() && !cancelled) {
      // Interrupted: requests waiting in a client's queue or backoff end now; the matches waiting
      // on them are abandoned (a later run replays them).
      cancelled = true;
      for (auto& [name, client] : clients) client->cancel_pending();
      judges.cancel_pending();
    }
    std::lock_guard lock(mutex);
    bool over = (next >= todo.size() || abort || options.stop_requested()) && counts.in_flight == 0;
    if (progress) progress->tick(client_counts());
    if (over) break;
  }
  for (auto& t : threads) t.join();
  const auto final_counts = client_counts();
  if (progress) progress->finish(final_counts);
  summary.request_errors = final_counts.errors;
  summary.last_error = final_counts.last_error;

  summary.interrupted = options.stop_requested() && summary.already_done + summary.played < summary.planned;
  if (!fatal.empty()) throw GauntletError(fatal);  // the run is marked failed
  run.finish(summary.interrupted);
  return summary;
}

}  // namespace gauntlet::harness
