#include "harness/selfplay/step.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "harness/run/request_pump.h"
#include "harness/selfplay/parse.h"
#include "harness/selfplay/prompts.h"
#include "harness/selfplay/rewards.h"
#include "harness/selfplay/sampling.h"
#include "harness/selfplay/stats.h"

namespace gauntlet::harness {
namespace {

using nlohmann::json;

struct Planned {
  RolloutKey key;
  TaskType type = TaskType::deduction;
  std::string task_id;
  std::string prompt;         // stored prompt text
  std::string messages_json;  // chat only
  ChatRequest request;
};

std::string clip(const std::string& s, std::size_t n = 2000) { return s.size() > n ? s.substr(0, n) + "..." : s; }

class Step {
 public:
  Step(StepContext& ctx, int step) : ctx_(ctx), c_(ctx.config), step_(step) {}

  StepResult run() {
    auto started = std::chrono::steady_clock::now();
    auto lap = started;
    auto time_phase = [&](const char* name) {
      auto now = std::chrono::steady_clock::now();
      phase_s_[name] = std::chrono::duration<double>(now - lap).count();
      lap = now;
    };
    long execs_before = ctx_.validator.executions() + ctx_.verifier.executions();
    load();
    plan_proposals();
    if (!generate(proposals_, ctx_.proposer, c_.proposer)) return unfinished();
    time_phase("propose");
    validate();
    time_phase("validate");
    choose_problems();
    plan_solutions();
    if (!generate(solutions_, ctx_.solver, c_.solver)) return unfinished();
    time_phase("solve");
    verify();
    time_phase("verify");
    StepResult result;
    result.finished = true;
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    long execs = ctx_.validator.executions() + ctx_.verifier.executions() - execs_before;
    result.stats = finish(wall, execs);
    return result;
  }

  // ---- state at the start of the step -------------------------------------------------------------
  void load() {
    for (const auto& row : ctx_.store.selfplay_buffer(c_.name)) {
      auto type = parse_task_type(row.task_type);
      if (!type) continue;
      buffer_[*type].push_back(CodeTask::from_json(json::parse(row.task_json)));
    }
    for (auto& r : ctx_.store.rollouts(c_.name, step_)) rollouts_[r.key] = std::move(r);
  }

  std::string seed_key(const std::string& what) const { return fmt::format("{}/{}/{}", c_.seed, what, step_); }

  Planned make_request(const RolloutKey& key, TaskType type, const std::string& task_id, const std::string& text,
                       const ModelSpec& model) const {
    Planned p;
    p.key = key;
    p.type = type;
    p.task_id = task_id;
    // A model whose chat_template renders messages for the completions endpoint is prompted as a chat model.
    p.request = wrap_prompt(text, model.sends_messages() ? Endpoint::kChat : Endpoint::kCompletions, p.prompt);
    if (model.sends_messages()) {
      p.messages_json = dump_json(messages_to_json(p.request.messages));
    }
    p.request.params = model.params;
    if (c_.logprobs) p.request.params.logprobs = true;
    // Distinct, reproducible sampling per generation: seed + a hash of where it is in the run.
    auto derived = static_cast<std::int64_t>(stable_hash(fmt::format("{}/request/{}/{}/{}/{}/{}", c_.seed, key.step,
                                                                     key.task_type, key.role, key.slot, key.sample)) &
                                             0x7fffffff);
    if (model.params.seed) p.request.params.seed = *model.params.seed + derived;
    p.request.sample_index = static_cast<int>(derived);
    return p;
  }

  // ---- 1. proposals ---------------------------------------------------------------------------------
  void plan_proposals() {
    ProposePromptOptions options;
    options.banned_imports = c_.limits.banned_imports;
    options.timeout_ms = c_.limits.timeout_ms;
    options.max_output_chars = c_.limits.max_output_chars;
    options.induction_inputs = c_.induction_inputs;
    for (TaskType type : c_.task_types) {
      std::vector<const CodeTask*> pool;
      if (type == TaskType::induction) {
        for (TaskType t : {TaskType::deduction, TaskType::abduction})
          for (const auto& task : buffer_[t]) pool.push_back(&task);
      } else {
        for (const auto& task : buffer_[type]) pool.push_back(&task);
      }
      const std::size_t k = type == TaskType::induction ? 1 : static_cast<std::size_t>(c_.references);
      for (int slot = 0; slot < c_.batch; ++slot) {
        SeededRng rng(fmt::format("{}/{}/{}", seed_key("references"), to_string(type), slot));
        std::vector<const CodeTask*> refs;
        for (std::size_t i : sample_without_replacement(pool.size(), k, rng)) refs.push_back(pool[i]);
        RolloutKey key{c_.name, step_, to_string(type), "propose", slot, 0};
        std::string task_id = fmt::format("s{}-{}-{}", step_, to_string(type), slot);
        proposals_.push_back(make_request(key, type, task_id, propose_prompt(type, refs, options), c_.proposer));
        references_[key] = refs;
      }
    }
  }

  // Sends what is not stored yet; false when stopped or when some request failed.
  bool generate(const std::vector<Planned>& planned, ModelClient& client, const ModelSpec& model) {
    std::vector<const Planned*> missing;
    for (const auto& p : planned) {
      auto it = rollouts_.find(p.key);
      if (it != rollouts_.end() && it->second.task_id == p.task_id) continue;
      if (it != rollouts_.end()) {  // a stale generation for another problem (cannot happen unless the buffer changed)
        ctx_.store.delete_rollout(p.key);
        rollouts_.erase(it);
      }
      missing.push_back(&p);
    }
    if (missing.empty()) return !stopped();
    std::vector<ChatRequest> requests;
    for (const auto* p : missing) requests.push_back(p->request);
    if (ctx_.on_requests) ctx_.on_requests(static_cast<std::int64_t>(requests.size()));
    std::mutex mutex;
    pump_requests(
        client, std::move(requests), model.concurrency, ctx_.stop,
        [&](std::size_t i, ChatResult result) {
          const Planned& p = *missing[i];
          if (result.cancelled()) {
            // Interrupted before it was answered: missing, asked again by the next run.
          } else if (result.failure == Failure::kRejected || result.failure == Failure::kContext) {
            // Refused for good (an HTTP 400, a prompt over the context): retrying cannot help, so the
            // rollout is recorded as failed, rewarded as a format failure, and the step goes on.
            RolloutRecord r = failed_rollout(p, model, result);
            ctx_.store.put_rollout(r);
            std::lock_guard lock(mutex);
            last_error_ = fmt::format("{} {} slot {} sample {}: {}", p.key.task_type, p.key.role, p.key.slot,
                                      p.key.sample, result.error);
            rollouts_[p.key] = std::move(r);
          } else if (!result.ok() || result.choices.empty()) {
            std::lock_guard lock(mutex);
            ++failures_;
            last_error_ = fmt::format("{} {} slot {} sample {}: {}", p.key.task_type, p.key.role, p.key.slot,
                                      p.key.sample, result.ok() ? "no choices in the response" : result.error);
          } else {
            RolloutRecord r = to_rollout(p, model, result);
            ctx_.store.put_rollout(r);
            std::lock_guard lock(mutex);
            rollouts_[p.key] = std::move(r);
          }
          if (ctx_.on_response) ctx_.on_response();
        },
        ctx_.tick);
    return failures_ == 0 && !stopped();
  }

  // A generation the backend refused for good: already checked, out of format, its reason kept.
  RolloutRecord failed_rollout(const Planned& p, const ModelSpec& model, const ChatResult& result) const {
    RolloutRecord r = planned_rollout(p, model);
    const bool context = result.failure == Failure::kContext;
    r.finish_reason = context ? "context" : "error";
    r.latency_s = result.latency_s;
    r.run_id = ctx_.run_id;
    r.checked = true;
    r.format_ok = false;
    r.score = 0.0;
    r.outcome = context ? "context" : "request_rejected";
    json details = {{"reason", r.outcome}, {"detail", result.error}};
    if (p.key.role == "solve") details = {{"answer", nullptr}, {"verdict", r.outcome}, {"detail", result.error}};
    r.details_json = dump_json(details);
    return r;
  }

  // What a rollout records of its request, before any answer.
  RolloutRecord planned_rollout(const Planned& p, const ModelSpec& model) const {
    RolloutRecord r;
    r.key = p.key;
    r.group_id = fmt::format("{}/{}/{}/{}", p.key.run, p.key.step, p.key.task_type, p.key.role);
    r.task_id = p.task_id;
    r.model = model.name;
    r.prompt = p.prompt;
    r.messages_json = p.messages_json;
    return r;
  }

  RolloutRecord to_rollout(const Planned& p, const ModelSpec& model, const ChatResult& result) const {
    const Choice& choice = result.choices.front();
    RolloutRecord r = planned_rollout(p, model);
    r.completion = rejoin_completion(choice, !model.sends_messages());
    r.reasoning = choice.reasoning;
    r.answer_text = choice.text;
    r.finish_reason = choice.finish_reason;
    if (!result.prompt_token_ids.empty()) r.prompt_ids_json = json(result.prompt_token_ids).dump();
    if (!choice.token_ids.empty()) r.response_ids_json = json(choice.token_ids).dump();
    if (!choice.routing.is_null()) r.routing_json = choice.routing.dump();
    if (!choice.budget.is_null()) r.budget_json = choice.budget.dump();
    if (!choice.logprobs.empty()) {
      json lps = json::array();
      for (const auto& t : choice.logprobs) lps.push_back(t.logprob);
      r.response_logprobs_json = dump_json(lps);
    }
    r.prompt_tokens = result.usage.prompt_tokens;
    r.completion_tokens = result.usage.completion_tokens;
    r.latency_s = result.latency_s;
    r.run_id = ctx_.run_id;
    return r;
  }

  // ---- 2. validation ----------------------------------------------------------------------------
  void validate() {
    std::vector<RolloutRecord*> pending;
    std::vector<ProposalCheck> checks;
    std::vector<RolloutKey> changed;
    for (const auto& p : proposals_) {
      RolloutRecord& r = rollouts_.at(p.key);
      if (r.checked) continue;
      changed.push_back(p.key);
      const auto& refs = references_.at(p.key);
      json details = {{"references", json::array()}};
      for (const auto* ref : refs) details["references"].push_back(ref->id);
      r.checked = true;
      r.format_ok = well_formed(r.reasoning, r.answer_text, c_.require_think);
      r.score = 0.0;
      auto answer = answer_part(r.answer_text);
      ProposalText text;
      if (!r.format_ok) {
        text.reason = "format";
        text.detail =
            !answer ? "no closed <answer> … </answer> block" : "no <think> … </think> reasoning before the answer";
      } else {
        text = parse_proposal(p.type, *answer, c_.induction_inputs);
      }
      if (!text.reason.empty()) {
        r.outcome = text.reason;
        details["reason"] = text.reason;
        details["detail"] = text.detail;
        r.details_json = dump_json(details);
        continue;
      }
      ProposalCheck check;
      check.program = p.type == TaskType::induction ? refs.front()->program : text.program;
      check.inputs = text.inputs;
      check.check_program = p.type != TaskType::induction;
      details["program"] = check.program;
      details["inputs"] = check.inputs;
      if (p.type == TaskType::induction) details["message"] = text.message;
      r.details_json = dump_json(details);
      checks.push_back(std::move(check));
      pending.push_back(&r);
    }
    auto results = ctx_.validator.validate(checks);
    for (std::size_t i = 0; i < pending.size(); ++i) {
      RolloutRecord& r = *pending[i];
      json details = json::parse(r.details_json);
      details["reason"] = results[i].reason;
      details["detail"] = results[i].detail;
      if (results[i].valid) details["outputs"] = results[i].outputs;
      r.outcome = results[i].valid ? "valid" : results[i].reason;
      r.score = results[i].valid ? 1.0 : 0.0;
      r.details_json = dump_json(details);
    }
    std::vector<RolloutRecord> rows;
    for (const auto& key : changed) rows.push_back(rollouts_.at(key));
    ctx_.store.check_rollouts(rows);
  }

  // ---- 3. solver batch ----------------------------------------------------------------------------
  void choose_problems() {
    for (TaskType type : c_.task_types) {
      std::vector<CodeTask> fresh;
      for (const auto& p : proposals_) {
        if (p.type != type) continue;
        const auto& r = rollouts_.at(p.key);
        if (r.outcome != "valid") continue;
        json d = json::parse(r.details_json);
        CodeTask t;
        t.id = p.task_id;
        t.type = type;
        t.step = step_;
        t.program = d.at("program").get<std::string>();
        t.inputs = d.at("inputs").get<std::vector<std::string>>();
        t.outputs = d.at("outputs").get<std::vector<std::string>>();
        if (type == TaskType::induction) t.message = d.at("message").get<std::string>();
        fresh.push_back(std::move(t));
      }
      new_tasks_[type] = fresh;
      std::vector<const CodeTask*> entries;
      std::vector<int> steps;
      for (const auto& t : buffer_[type]) entries.push_back(&t);
      for (const auto& t : new_tasks_[type]) entries.push_back(&t);
      for (const auto* t : entries) steps.push_back(t->step);
      SeededRng rng(fmt::format("{}/{}", seed_key("solver-batch"), to_string(type)));
      for (std::size_t i : select_solver_batch(steps, step_, c_.new_window, static_cast<std::size_t>(c_.batch), rng))
        problems_[type].push_back(*entries[i]);
    }
  }

  void plan_solutions() {
    for (TaskType type : c_.task_types) {
      const auto& list = problems_[type];
      for (std::size_t p = 0; p < list.size(); ++p) {
        std::string text = solve_prompt(list[p]);
        for (int j = 0; j < c_.solver_samples; ++j) {
          RolloutKey key{c_.name, step_, to_string(type), "solve", static_cast<int>(p), j};
          solutions_.push_back(make_request(key, type, list[p].id, text, c_.solver));
          problem_of_[key] = &list[p];
        }
      }
    }
  }

  // ---- 5. verification ----------------------------------------------------------------------------
  void verify() {
    std::vector<verifiers::OutputPrediction> out_preds;
    std::vector<verifiers::InputPrediction> in_preds;
    std::vector<verifiers::ProgramPrediction> prog_preds;
    std::vector<RolloutRecord*> out_rs, in_rs, prog_rs;
    std::vector<RolloutRecord*> changed;
    for (const auto& s : solutions_) {
      RolloutRecord& r = rollouts_.at(s.key);
      if (r.checked) continue;
      changed.push_back(&r);
      const CodeTask& task = *problem_of_.at(s.key);
      r.checked = true;
      r.format_ok = well_formed(r.reasoning, r.answer_text, c_.require_think);
      r.score = 0.0;
      if (!r.format_ok) {
        r.outcome = "format";
        r.details_json = dump_json({{"answer", nullptr}, {"verdict", "format"}});
        continue;
      }
      std::string answer = solver_answer(s.type, *answer_part(r.answer_text));
      r.details_json = dump_json({{"answer", clip(answer)}});
      switch (s.type) {
        case TaskType::deduction:
          out_preds.push_back({task.outputs.at(0), answer});
          out_rs.push_back(&r);
          break;
        case TaskType::abduction:
          in_preds.push_back({task.program, task.outputs.at(0), answer});
          in_rs.push_back(&r);
          break;
        case TaskType::induction: {
          verifiers::ProgramPrediction pp;
          pp.program = answer;
          for (std::size_t k = task.shown_pairs(); k < task.inputs.size(); ++k) {
            pp.inputs.push_back(task.inputs[k]);
            pp.gold_outputs.push_back(task.outputs[k]);
          }
          prog_preds.push_back(std::move(pp));
          prog_rs.push_back(&r);
          break;
        }
      }
    }
    auto apply = [](const std::vector<verifiers::CodeVerdict>& verdicts, const std::vector<RolloutRecord*>& rs) {
      for (std::size_t i = 0; i < rs.size(); ++i) {
        json d = json::parse(rs[i]->details_json);
        d["verdict"] = verdicts[i].correct ? "correct" : verdicts[i].reason;
        rs[i]->outcome = verdicts[i].correct ? "correct" : "wrong";
        rs[i]->score = verdicts[i].correct ? 1.0 : 0.0;
        rs[i]->details_json = dump_json(d);
      }
    };
    if (!out_preds.empty()) apply(ctx_.verifier.check(out_preds), out_rs);
    if (!in_preds.empty()) apply(ctx_.verifier.check(in_preds), in_rs);
    if (!prog_preds.empty()) apply(ctx_.verifier.check(prog_preds), prog_rs);
    std::vector<RolloutRecord> rows;
    for (auto* r : changed) rows.push_back(*r);
    ctx_.store.check_rollouts(rows);
  }

  // ---- 6. rewards, advantages, buffers, statistics ----------------------------------------------------
  json finish(double wall_s, long execs) {
    std::vector<RolloutFinal> finals;
    StepTally tally;
    for (TaskType type : c_.task_types) {
      // Solver group.
      std::vector<const Planned*> group;
      std::vector<double> rewards;
      std::map<std::string, std::pair<double, int>> accuracy;  // task id -> (sum of scores, samples)
      for (const auto& s : solutions_) {
        if (s.type != type) continue;
        const auto& r = rollouts_.at(s.key);
        group.push_back(&s);
        rewards.push_back(solver_reward(r.format_ok, r.outcome == "correct", c_.rewards));
        auto& acc = accuracy[r.task_id];
        acc.first += r.score;
        acc.second += 1;
        tally.add_solution(type, r);
      }
      auto advantages = group_advantages(rewards, c_.advantage);
      for (std::size_t i = 0; i < group.size(); ++i) finals.push_back({group[i]->key, rewards[i], advantages[i]});
      // Proposer group.
      group.clear();
      rewards.clear();
      for (const auto& p : proposals_) {
        if (p.type != type) continue;
        const auto& r = rollouts_.at(p.key);
        bool valid = r.outcome == "valid";
        std::optional<double> acc;
        if (valid) {
          const auto& a = accuracy.at(p.task_id);  // a new valid task is always in the solver batch
          acc = a.first / a.second;
        }
        group.push_back(&p);
        rewards.push_back(proposer_reward(r.format_ok, valid, acc, c_.rewards));
        tally.add_proposal(type, r, acc);
      }
      advantages = group_advantages(rewards, c_.advantage);
      for (std::size_t i = 0; i < group.size(); ++i) finals.push_back({group[i]->key, rewards[i], advantages[i]});
    }
    std::vector<BufferRow> additions;
    std::map<std::string, std::size_t> sizes;
    for (TaskType type : all_task_types()) sizes[to_string(type)] = buffer_[type].size() + new_tasks_[type].size();
    for (TaskType type : c_.task_types)
      for (const auto& t : new_tasks_[type])
        additions.push_back({to_string(type), 0, step_, t.id, dump_json(t.to_json())});
    for (const auto& [key, r] : rollouts_) tally.add_tokens(r);
    json stats = tally.to_json(step_, sizes, execs, wall_s);
    stats["phase_s"] = phase_s_;
    ctx_.store.finish_selfplay_step(c_.name, step_, ctx_.run_id, additions, finals, dump_json(stats));
    return stats;
  }

  bool stopped() const { return ctx_.stop && ctx_.stop->load(); }

  StepResult unfinished() const {
    StepResult r;
    if (failures_ > 0 && !stopped())
      r.failure = fmt::format(
          "step {}: {} request(s) failed after retries (last error: {}); the generations that "
          "arrived are stored, rerun to retry the rest",
          step_, failures_, last_error_);
    return r;
  }

  StepContext& ctx_;
  const SelfPlayConfig& c_;
  int step_;
  std::map<TaskType, std::vector<CodeTask>> buffer_;
  std::map<RolloutKey, RolloutRecord> rollouts_;
  std::vector<Planned> proposals_;
  std::map<RolloutKey, std::vector<const CodeTask*>> references_;
  std::map<TaskType, std::vector<CodeTask>> new_tasks_;
  std::map<TaskType, std::vector<CodeTask>> problems_;
  std::vector<Planned> solutions_;
  std::map<RolloutKey, const CodeTask*> problem_of_;
  int failures_ = 0;   // requests that failed after retries (the step cannot finish)
  std::string last_error_;
  std::map<std::string, double> phase_s_;  // wall time of each phase this invocation ran
};

}  // namespace

StepResult run_selfplay_step(StepContext& context, int step) { return Step(context, step).run(); }

}  // namespace gauntlet::harness
