// Expert finders on the command line:
//   gauntlet experts npmi  — RICE's cognitive experts: generate on prompts, rank (layer, expert)
//                            by nPMI with target tokens (engine/expert_stats.h); --json output is
//                            what --rice-from / rice_from read.
//   gauntlet experts super — the Super Experts probe: max |down_proj output| per expert over the
//                            prompts, and the experts the paper's criterion flags.
// Prompt files are JSONL: a JSON string per line (the prompt), or an object whose --field (default
// "prompt") holds it and whose optional "completion" is teacher-forced instead of generating.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "engine/expert_stats.h"
#include "harness/clients/chat.h"
#include "harness/cli/command.h"
#include "harness/errors/errors.h"
#include "harness/input/jsonl_reader.h"
#include "harness/cli/routing_flags.h"

namespace gauntlet::harness {
namespace {

struct PromptLine {
  std::string prompt;
  std::optional<std::string> completion;
};

std::vector<PromptLine> read_prompts(const std::string& path, const std::string& field) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("--prompts {}: cannot open", path));
  std::vector<PromptLine> lines;
  JsonlReader reader(in, path);
  nlohmann::json j;
  while (reader.next(j)) {
    PromptLine line;
    if (j.is_string()) {
      line.prompt = j.get<std::string>();
    } else if (j.is_object() && j.contains(field) && j[field].is_string()) {
      line.prompt = j[field].get<std::string>();
      if (j.contains("completion")) {
        if (!j["completion"].is_string()) reader.fail("\"completion\" must be a string");
        line.completion = j["completion"].get<std::string>();
      }
    } else {
      reader.fail(fmt::format("expected a JSON string or an object with a string \"{}\"", field));
    }
    lines.push_back(std::move(line));
  }
  if (lines.empty()) throw UsageError(fmt::format("--prompts {}: no prompts", path));
  return lines;
}

struct ProbeArgs {
  std::string model;
  std::string prompts;
  std::string field = "prompt";
  bool chat = false;
  bool no_think = false;
  int max_tokens = 256;
  int threads = 1;
  bool json = false;
  RoutingFlags routing;
  // npmi
  std::string target_tokens = "<think>,</think>";
  int top = 10;
  // super
  double layer_fraction = 0.75;
};

std::vector<int> prompt_ids(engine::Engine& model, const ProbeArgs& a, const PromptLine& line) {
  std::string text = line.prompt;
  if (a.chat) {
    engine::RenderOptions render;
    render.enable_thinking = !a.no_think;
    std::vector<engine::ChatTurn> turns = {{"user", line.prompt, std::nullopt}};
    text = model.render_chat(turns, render);
  }
  auto ids = model.tokenizer().encode(text);
  if (ids.empty()) throw UsageError(fmt::format("--prompts: an empty prompt ('{}')", line.prompt));
  return ids;
}

int cmd_npmi(const ProbeArgs& a) {
  const auto prompts = read_prompts(a.prompts, a.field);
  auto model = open_cli_engine(a.model, a.threads);
  std::vector<int> targets;
  std::vector<std::string> target_names;
  std::stringstream list(a.target_tokens);
  std::string name;
  while (std::getline(list, name, ',')) {
    if (name.empty()) continue;
    auto id = model->tokenizer().token_id(name);
    if (!id) {
      const auto ids = model->tokenizer().encode(name);
      if (ids.size() != 1)
        throw UsageError(fmt::format("--target-tokens: '{}' is not a single token of this tokenizer ({} tokens)", name,
                                     ids.size()));
      id = ids[0];
    }
    targets.push_back(*id);
    target_names.push_back(name);
  }
  if (targets.empty()) throw UsageError("--target-tokens: no tokens given");
  const auto controls = a.routing.controls();

  const auto& config = model->config();
  engine::NpmiCounter counter(config.num_layers, config.num_experts, targets);
  std::int64_t generated = 0;
  for (const auto& line : prompts) {
    std::vector<int> ids = prompt_ids(*model, a, line);
    std::vector<engine::PositionRoutes> trace;
    try {
      if (line.completion) {
        const auto completion = model->tokenizer().encode(*line.completion);
        ids.insert(ids.end(), completion.begin(), completion.end());
        model->teacher_force(ids, controls ? &*controls : nullptr, &trace, nullptr);
      } else {
        engine::GenerationRequest g;
        g.prompt_ids = ids;
        g.max_tokens = a.max_tokens;
        g.sampling.temperature = 0;
        g.routing = controls;
        g.trace_routing = g.trace_prompt_routing = true;
        auto out = model->generate(g);
        generated += static_cast<std::int64_t>(out.tokens.size());
        // Positions whose input is prompt token i, then generated token j (all but the last, which
        // was never fed back).
        trace = std::move(out.prompt_routing);
        for (std::size_t j = 1; j < out.routing.size(); ++j) {
          ids.push_back(out.tokens[j - 1].id);
          trace.push_back(std::move(out.routing[j]));
        }
      }
    } catch (const engine::RoutingError& e) {
      throw UsageError(e.what());
    }
    counter.add(ids, trace);
  }
  auto ranking = counter.ranking();
  if (a.top > 0 && static_cast<int>(ranking.size()) > a.top) ranking.resize(static_cast<std::size_t>(a.top));
  if (counter.target_positions() == 0)
    std::cerr << fmt::format("gauntlet: warning: no position holds a target token ({}); nPMI is -1 everywhere\n",
                             a.target_tokens);

  if (a.json) {
    nlohmann::json j;
    j["model"] = a.model;
    j["target_tokens"] = target_names;
    j["target_ids"] = targets;
    j["prompts"] = prompts.size();
    j["generated_tokens"] = generated;
    j["positions"] = counter.positions();
    j["target_positions"] = counter.target_positions();
    j["experts"] = nlohmann::json::array();
    for (const auto& e : ranking)
      j["experts"].push_back({{"layer", e.layer},
                              {"expert", e.expert},
                              {"npmi", e.npmi},
                              {"target_rate", e.target_rate},
                              {"overall_rate", e.overall_rate},
                              {"joint", e.joint},
                              {"selected", e.selected}});
    std::cout << dump_json(j) << "\n";
    return 0;
  }
  std::cout << fmt::format("{} prompts, {} positions, {} at target tokens ({})\n", prompts.size(), counter.positions(),
                           counter.target_positions(), a.target_tokens);
  std::cout << fmt::format("{:>4}  {:>5}  {:>6}  {:>7}  {:>11}  {:>12}\n", "rank", "layer", "expert", "nPMI",
                           "p(e|target)", "p(e) overall");
  for (std::size_t i = 0; i < ranking.size(); ++i) {
    const auto& e = ranking[i];
    std::cout << fmt::format("{:>4}  {:>5}  {:>6}  {:>7.4f}  {:>10.1f}%  {:>11.1f}%\n", i + 1, e.layer, e.expert, e.npmi,
                             100 * e.target_rate, 100 * e.overall_rate);
  }
  return 0;
}

int cmd_super(const ProbeArgs& a) {
  if (!(a.layer_fraction > 0 && a.layer_fraction <= 1))
    throw UsageError(fmt::format("--layer-fraction {}: must be in (0, 1]", a.layer_fraction));
  const auto prompts = read_prompts(a.prompts, a.field);
  auto model = open_cli_engine(a.model, a.threads);
  const auto controls = a.routing.controls();
  engine::ExpertProbe probe(model->config());
  std::int64_t tokens = 0;
  for (const auto& line : prompts) {
    std::vector<int> ids = prompt_ids(*model, a, line);
    if (line.completion) {
      const auto completion = model->tokenizer().encode(*line.completion);
      ids.insert(ids.end(), completion.begin(), completion.end());
    }
    tokens += static_cast<std::int64_t>(ids.size());
    try {
      model->teacher_force(ids, controls ? &*controls : nullptr, nullptr, &probe);
    } catch (const engine::RoutingError& e) {
      throw UsageError(e.what());
    }
  }
  const auto report = engine::find_super_experts(probe, a.layer_fraction);
  // The largest maxima overall, for context.
  struct Peak {
    int layer, expert;
    float value;
    std::int64_t selected;
  };
  std::vector<Peak> peaks;
  for (int l = 0; l < probe.num_layers; ++l)
    for (int e = 0; e < probe.num_experts; ++e)
      if (probe.selected_at(l, e) > 0) peaks.push_back({l, e, probe.max_at(l, e), probe.selected_at(l, e)});
  std::sort(peaks.begin(), peaks.end(), [](const Peak& x, const Peak& y) { return x.value > y.value; });
  if (peaks.size() > 10) peaks.resize(10);

  if (a.json) {
    nlohmann::json j;
    j["model"] = a.model;
    j["prompts"] = prompts.size();
    j["tokens"] = tokens;
    j["layers_considered"] = report.layers_considered;
    j["percentile_99_5"] = report.percentile_value;
    j["global_max"] = report.global_max;
    j["super_experts"] = nlohmann::json::array();
    for (const auto& e : report.experts)
      j["super_experts"].push_back({{"layer", e.layer}, {"expert", e.expert}, {"output_max", e.output_max}});
    j["largest"] = nlohmann::json::array();
    for (const auto& p : peaks)
      j["largest"].push_back({{"layer", p.layer}, {"expert", p.expert}, {"output_max", p.value}, {"tokens", p.selected}});
    std::cout << dump_json(j) << "\n";
    return 0;
  }
  std::cout << fmt::format("{} prompts, {} tokens; layers 0..{} considered; P99.5 {:.4g}, max {:.4g}\n", prompts.size(),
                           tokens, report.layers_considered - 1, report.percentile_value, report.global_max);
  std::cout << fmt::format("super experts ({}):", report.experts.size());
  for (const auto& e : report.experts) std::cout << fmt::format(" {}:{} ({:.4g})", e.layer, e.expert, e.output_max);
  std::cout << "\n";
  return 0;
}

void add_probe_options(CLI::App& c, ProbeArgs& a) {
  c.add_option("--model", a.model, "Model directory (Hugging Face layout)")->required();
  c.add_option("--prompts", a.prompts, "JSONL: a JSON string per line, or objects with --field (+ \"completion\")")
      ->required();
  c.add_option("--field", a.field, "Prompt key in JSONL objects (default prompt)");
  c.add_flag("--chat", a.chat, "Render each prompt as a user turn with the model's chat template");
  c.add_flag("--no-think", a.no_think, "With --chat: enable_thinking=false");
  c.add_option("--threads", a.threads, "Kernel threads (0: all cores; default 1)");
  c.add_flag("--json", a.json, "Print JSON");
  a.routing.add_to(c);
}

}  // namespace

void add_expert_commands(CLI::App& app, CliCommands& commands) {
  auto* experts = app.add_subcommand("experts", "Find experts: nPMI with target tokens (RICE), super experts");
  experts->require_subcommand(1);

  auto n = std::make_shared<ProbeArgs>();
  auto* npmi = experts->add_subcommand("npmi", "Rank (layer, expert) by nPMI with target tokens over generations");
  add_probe_options(*npmi, *n);
  npmi->add_option("--target-tokens", n->target_tokens, "Comma-separated tokens (default \"<think>,</think>\")");
  npmi->add_option("--top", n->top, "Experts listed (default 10; 0: all)");
  npmi->add_option("--max-tokens", n->max_tokens, "Greedy tokens generated per prompt (default 256)");
  commands.push_back({npmi, [n] { return cmd_npmi(*n); }});

  auto s = std::make_shared<ProbeArgs>();
  auto* super = experts->add_subcommand("super", "Super Experts: max |down_proj output| per expert over the prompts");
  add_probe_options(*super, *s);
  super->add_option("--layer-fraction", s->layer_fraction, "Consider the first fraction of layers (default 0.75)");
  commands.push_back({super, [s] { return cmd_super(*s); }});
}

}  // namespace gauntlet::harness
