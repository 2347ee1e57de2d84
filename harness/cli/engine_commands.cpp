// Engine tools on the command line: `gauntlet make-model` writes a random-weight checkpoint in the
// Hugging Face layout, with a copied or a built-in byte-level BPE tokenizer.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/model/checkpoint.h"
#include "engine/model/checkpoint_error.h"
#include "engine/model/checkpoint_writer.h"
#include "engine/engine.h"
#include "engine/request_error.h"
#include "engine/model/weights.h"
#include "engine/text/tokenizer_writer.h"
#include "harness/clients/chat.h"
#include "harness/cli/command.h"
#include "harness/cli/token_ids.h"
#include "harness/errors/errors.h"
#include "harness/input/json_file.h"
#include "harness/clients/routing_config.h"
#include "harness/cli/routing_flags.h"

namespace gauntlet::harness {
namespace {

namespace fs = std::filesystem;

struct MakeModelArgs {
  std::string arch = "qwen3_moe";
  std::string tokenizer;
  std::string out;
  std::string dtype = "bf16";
  int vocab = 0;
  std::vector<int> mlp_only_layers;
  engine::RandomCheckpointSpec spec;
};

// What make-model needs from a tokenizer.json: its size and the ids of the usual special tokens.
struct TokenizerFacts {
  int size = 0;
  std::vector<int> eos_ids;
  int pad_id = -1;
};

TokenizerFacts read_tokenizer_facts(const fs::path& path) {
  const nlohmann::json j = read_json_file(path);
  TokenizerFacts facts;
  std::map<std::string, int> ids;
  if (j.contains("model") && j["model"].contains("vocab") && j["model"]["vocab"].is_object())
    for (auto it = j["model"]["vocab"].begin(); it != j["model"]["vocab"].end(); ++it)
      if (it.value().is_number_integer()) ids[it.key()] = it.value().get<int>();
  if (j.contains("added_tokens") && j["added_tokens"].is_array())
    for (const auto& t : j["added_tokens"])
      if (t.contains("id") && t["id"].is_number_integer() && t.contains("content") && t["content"].is_string())
        ids[t["content"].get<std::string>()] = t["id"].get<int>();
  if (ids.empty()) throw UsageError(fmt::format("{}: no model.vocab or added_tokens", path.string()));
  for (const auto& [token, id] : ids) facts.size = std::max(facts.size, id + 1);
  for (const char* eos : {"<|im_end|>", "<|endoftext|>", "</s>"})
    if (ids.count(eos)) facts.eos_ids.push_back(ids[eos]);
  if (ids.count("<|endoftext|>")) facts.pad_id = ids["<|endoftext|>"];
  return facts;
}

void copy_tokenizer(const fs::path& from, const fs::path& out_dir) {
  fs::path tokenizer_json = fs::is_directory(from) ? from / "tokenizer.json" : from;
  if (!fs::exists(tokenizer_json)) throw UsageError(fmt::format("--tokenizer: {} not found", tokenizer_json.string()));
  fs::path config = tokenizer_json.parent_path() / "tokenizer_config.json";
  std::error_code ec;
  if (!fs::exists(out_dir / "tokenizer.json") || !fs::equivalent(tokenizer_json, out_dir / "tokenizer.json", ec))
    fs::copy_file(tokenizer_json, out_dir / "tokenizer.json", fs::copy_options::overwrite_existing);
  if (fs::exists(config) &&
      (!fs::exists(out_dir / "tokenizer_config.json") || !fs::equivalent(config, out_dir / "tokenizer_config.json", ec)))
    fs::copy_file(config, out_dir / "tokenizer_config.json", fs::copy_options::overwrite_existing);
}

int cmd_make_model(MakeModelArgs& a) {
  auto& spec = a.spec;
  try {
    spec.arch = engine::parse_architecture(a.arch);
  } catch (const engine::CheckpointError& e) {
    throw UsageError(fmt::format("--arch: {}", e.what()));
  }
  spec.dtype = a.dtype == "f32" ? engine::DType::kF32 : a.dtype == "f16" ? engine::DType::kF16 : engine::DType::kBF16;
  spec.mlp_only_layers = a.mlp_only_layers;
  if (spec.arch == engine::Architecture::kOlmoe) {
    spec.rope_theta = 1e4;
    spec.rms_norm_eps = 1e-5;
  } else if (spec.arch == engine::Architecture::kMixtral) {
    spec.rms_norm_eps = 1e-5;
  }

  const fs::path out(a.out);
  fs::create_directories(out);
  if (a.tokenizer.empty()) engine::write_default_tokenizer(out);
  else copy_tokenizer(a.tokenizer, out);
  const TokenizerFacts facts = read_tokenizer_facts(out / "tokenizer.json");
  spec.vocab_size = std::max(a.vocab, facts.size);
  spec.eos_token_ids = facts.eos_ids;
  spec.pad_token_id = facts.pad_id;

  try {
    engine::write_random_checkpoint(spec, out);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("make-model: {}", e.what()));
  }
  // Read it back: the loader is the judge of what was written.
  engine::Checkpoint checkpoint(out);
  engine::resolve_model_weights(checkpoint);
  std::int64_t params = 0;
  for (const auto& name : checkpoint.tensor_names()) params += checkpoint.tensor(name).numel();
  std::cout << fmt::format("{}: {} {} layers hidden {} heads {}/{} head_dim {} experts {} top-{} moe_ff {} vocab {}, "
                           "{} parameters ({})\n",
                           out.string(), a.arch, spec.num_layers, spec.hidden_size, spec.num_heads,
                           spec.num_kv_heads, spec.head_dim, spec.num_experts, spec.num_experts_per_tok,
                           spec.moe_intermediate_size, spec.vocab_size, params, a.dtype);
  return 0;
}

struct GenerateArgs {
  std::string model;
  std::string prompt;
  std::string prompt_ids;
  bool chat = false;
  bool no_think = false;
  int max_tokens = 128;
  double temperature = 0.0;
  std::uint64_t seed = 0;
  int top_logprobs = 0;
  int threads = 1;
  bool ignore_eos = false;
  bool json = false;
  RoutingFlags routing;
  bool trace_routing = false;
  bool trace_prompt_routing = false;
};

int cmd_generate(const GenerateArgs& a) {
  if (a.prompt.empty() == a.prompt_ids.empty()) throw UsageError("generate: give exactly one of --prompt or --prompt-ids");
  if (a.chat && !a.prompt_ids.empty()) throw UsageError("generate: --chat renders --prompt text, not --prompt-ids");
  auto model = open_cli_engine(a.model, a.threads);
  engine::GenerationRequest request;
  if (!a.prompt_ids.empty()) {
    request.prompt_ids = parse_token_ids(a.prompt_ids, "--prompt-ids");
    const int vocab = model->config().vocab_size;
    for (int id : request.prompt_ids)
      if (id < 0 || id >= vocab)
        throw UsageError(fmt::format("--prompt-ids: id {} is outside the vocabulary ({})", id, vocab));
  } else if (a.chat) {
    engine::RenderOptions render;
    render.enable_thinking = !a.no_think;
    std::vector<engine::ChatTurn> turns = {{"user", a.prompt, std::nullopt}};
    request.prompt = model->render_chat(turns, render);
  } else {
    request.prompt = a.prompt;
  }
  request.max_tokens = a.max_tokens;
  request.sampling.temperature = a.temperature;
  request.sampling.seed = a.seed;
  request.sampling.top_logprobs = a.top_logprobs;
  request.ignore_eos = a.ignore_eos;
  request.routing = a.routing.controls();
  request.trace_routing = a.trace_routing || a.trace_prompt_routing;
  request.trace_prompt_routing = a.trace_prompt_routing;
  engine::GenerationResult out;
  try {
    out = model->generate(request);
  } catch (const engine::RoutingError& e) {
    throw UsageError(fmt::format("generate: {}", e.what()));
  } catch (const engine::RequestError& e) {  // a prompt over the context, an empty prompt: say what, exit 2
    throw UsageError(fmt::format("generate: {}", e.what()));
  }
  if (!a.json) {
    std::cout << out.text << "\n";
    std::cerr << fmt::format("gauntlet: {} prompt tokens, {} generated ({}), prefill {:.1f} tok/s, decode {:.1f} tok/s\n",
                             out.prompt_ids.size(), out.tokens.size(), out.finish_reason,
                             out.timing.prefill_tokens_per_s(), out.timing.decode_tokens_per_s());
    return 0;
  }
  const auto& tok = model->tokenizer();
  nlohmann::json j;
  j["prompt_ids"] = out.prompt_ids;
  j["tokens"] = nlohmann::json::array();
  for (const auto& t : out.tokens) {
    nlohmann::json e = {{"id", t.id}, {"text", tok.decode(std::span<const int>(&t.id, 1))}, {"logprob", t.logprob}};
    e["top"] = nlohmann::json::array();
    for (const auto& alt : t.top) e["top"].push_back({{"id", alt.id}, {"logprob", alt.logprob}});
    j["tokens"].push_back(std::move(e));
  }
  j["text"] = out.text;
  j["finish_reason"] = out.finish_reason;
  j["stats"] = {{"prefill_tokens_per_s", out.timing.prefill_tokens_per_s()},
                {"decode_tokens_per_s", out.timing.decode_tokens_per_s()},
                {"prefill_tokens_per_cpu_s", out.timing.prefill_tokens_per_cpu_s()},
                {"decode_tokens_per_cpu_s", out.timing.decode_tokens_per_cpu_s()}};
  if (request.trace_routing) {
    j["routing"] = routing_trace_json(out.routing);
    j["routing_summary"] = routing_summary(out.routing, model->config().num_experts);
  }
  if (request.trace_prompt_routing) j["prompt_routing"] = routing_trace_json(out.prompt_routing);
  std::cout << dump_json(j) << "\n";
  return 0;
}

}  // namespace

std::unique_ptr<engine::Engine> open_cli_engine(const std::string& model_dir, int threads) {
  engine::EngineOptions options;
  options.threads = threads;
  try {
    return std::make_unique<engine::Engine>(model_dir, options);
  } catch (const std::exception& e) {
    throw UsageError(fmt::format("--model {}: {}", model_dir, e.what()));
  }
}

void add_engine_commands(CLI::App& app, CliCommands& commands) {
  auto a = std::make_shared<MakeModelArgs>();
  auto* mm = app.add_subcommand("make-model", "Write a random-weight checkpoint (Hugging Face layout)");
  mm->add_option("--arch", a->arch, "qwen3_moe (default), qwen2_moe, olmoe or mixtral")
      ->check(CLI::IsMember({"qwen3_moe", "qwen2_moe", "olmoe", "mixtral"}));
  mm->add_option("--tokenizer", a->tokenizer,
                 "Tokenizer dir or tokenizer.json to copy (default: a small built-in byte-level BPE)");
  mm->add_option("--out", a->out, "Output directory")->required();
  mm->add_option("--layers", a->spec.num_layers, "Decoder layers (default 2)");
  mm->add_option("--hidden", a->spec.hidden_size, "Hidden size (default 64)");
  mm->add_option("--heads", a->spec.num_heads, "Attention heads (default 4)");
  mm->add_option("--kv-heads", a->spec.num_kv_heads, "KV heads (default 2)");
  mm->add_option("--head-dim", a->spec.head_dim, "Head dimension (default 16)");
  mm->add_option("--experts", a->spec.num_experts, "Experts per MoE layer (default 8)");
  mm->add_option("--top-k", a->spec.num_experts_per_tok, "Experts per token (default 2)");
  mm->add_option("--moe-ff", a->spec.moe_intermediate_size, "Expert FFN width (default 32)");
  mm->add_option("--dense-ff", a->spec.intermediate_size, "Dense MLP width (default 4 x moe-ff)");
  mm->add_option("--shared-ff", a->spec.shared_expert_intermediate_size,
                 "qwen2_moe shared expert width (default 2 x moe-ff)");
  mm->add_option("--decoder-sparse-step", a->spec.decoder_sparse_step, "Every Nth layer is MoE (default 1)");
  mm->add_option("--mlp-only-layers", a->mlp_only_layers, "Dense-MLP layer indices")->delimiter(',');
  mm->add_flag("--tie-embeddings", a->spec.tie_word_embeddings, "Share embed_tokens and lm_head");
  mm->add_option("--vocab", a->vocab, "Vocabulary size (at least the tokenizer's)");
  mm->add_option("--dtype", a->dtype, "bf16 (default), f16 or f32")->check(CLI::IsMember({"bf16", "f16", "f32"}));
  mm->add_option("--seed", a->spec.seed, "Weights seed (default 0)");
  mm->add_option("--shards", a->spec.num_shards, "Write N shards plus model.safetensors.index.json");
  mm->add_flag("--fused-experts", a->spec.fused_experts, "Write mlp.experts.gate_up_proj / down_proj");
  commands.push_back({mm, [a] { return cmd_make_model(*a); }});

  auto g = std::make_shared<GenerateArgs>();
  auto* gen = app.add_subcommand("generate", "Generate with the in-tree engine on a local checkpoint");
  gen->add_option("--model", g->model, "Model directory (Hugging Face layout)")->required();
  gen->add_option("--prompt", g->prompt, "Prompt text (special tokens recognised)");
  gen->add_option("--prompt-ids", g->prompt_ids, "Prompt token ids, comma-separated");
  gen->add_flag("--chat", g->chat, "Render --prompt as a user turn with the model's chat template");
  gen->add_flag("--no-think", g->no_think, "With --chat: enable_thinking=false (empty think block)");
  gen->add_option("--max-tokens", g->max_tokens, "Tokens to generate (default 128)");
  gen->add_option("--temperature", g->temperature, "0 = greedy (default)");
  gen->add_option("--seed", g->seed, "Sampling seed (default 0)");
  gen->add_option("--top-logprobs", g->top_logprobs, "Alternatives reported per token");
  gen->add_option("--threads", g->threads, "Kernel threads (0: all cores; default 1)");
  gen->add_flag("--ignore-eos", g->ignore_eos, "Do not stop at the model's end-of-sequence tokens");
  gen->add_flag("--json", g->json, "Print JSON: prompt_ids, tokens, text, finish_reason, stats");
  g->routing.add_to(*gen);
  gen->add_flag("--trace-routing", g->trace_routing,
                "With --json: per generated token and MoE layer, the experts and weights (\"routing\")");
  gen->add_flag("--trace-prompt-routing", g->trace_prompt_routing, "With --json: also \"prompt_routing\"");
  commands.push_back({gen, [g] { return cmd_generate(*g); }});
}

}  // namespace gauntlet::harness
