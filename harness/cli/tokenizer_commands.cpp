// gauntlet tokenize / detokenize: the engine's tokenizer from the command line.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/text/tokenizer.h"
#include "harness/clients/chat.h"
#include "harness/cli/command.h"
#include "harness/cli/token_ids.h"
#include "harness/errors/errors.h"
#include "harness/input/jsonl_reader.h"

namespace gauntlet::harness {
namespace {

struct TokenizeOptions {
  std::string model;
  std::string text;
  std::string jsonl;
  bool no_special = false;  // tokenize: special tokens as plain text; detokenize: skip them
};

engine::Tokenizer load_tokenizer(const std::string& model) {
  try {
    return engine::Tokenizer::load(model);
  } catch (const engine::TokenizerError& e) {
    throw ConfigError(e.what());
  }
}

int run_tokenize(const TokenizeOptions& o) {
  engine::Tokenizer tok = load_tokenizer(o.model);
  if (o.jsonl.empty()) {
    std::cout << nlohmann::json(tok.encode(o.text, !o.no_special)).dump() << "\n";
    return 0;
  }
  JsonlReader reader(o.jsonl);
  nlohmann::json j;
  while (reader.next(j)) {
    if (!j.is_string()) reader.fail("expected one JSON string per line");
    std::cout << nlohmann::json(tok.encode(j.get_ref<const std::string&>(), !o.no_special)).dump() << "\n";
  }
  return 0;
}

int run_detokenize(const TokenizeOptions& o, const std::string& ids) {
  engine::Tokenizer tok = load_tokenizer(o.model);
  if (o.jsonl.empty()) {
    std::cout << tok.decode(parse_token_ids(ids, "--ids"), o.no_special);
    return 0;
  }
  JsonlReader reader(o.jsonl);
  nlohmann::json j;
  while (reader.next(j)) {
    std::vector<int> list;
    try {
      list = j.get<std::vector<int>>();
    } catch (const nlohmann::json::exception&) {
      reader.fail("expected a JSON array of token ids");
    }
    try {
      std::cout << dump_json(tok.decode(list, o.no_special)) << "\n";
    } catch (const engine::TokenizerError& e) {
      reader.fail(e.what());
    }
  }
  return 0;
}

}  // namespace

void add_tokenizer_commands(CLI::App& app, CliCommands& commands) {
  auto opts = std::make_shared<TokenizeOptions>();
  auto ids = std::make_shared<std::string>();

  CLI::App* tokenize = app.add_subcommand("tokenize", "Token ids of text with a model's tokenizer (JSON arrays)");
  tokenize->add_option("--model", opts->model, "Model directory (or tokenizer.json)")->required();
  auto* text = tokenize->add_option("--text", opts->text, "Text to encode");
  auto* jsonl = tokenize->add_option("--jsonl", opts->jsonl, "File of JSON strings, one per line");
  text->excludes(jsonl);
  tokenize->add_flag("--no-special", opts->no_special, "Encode special-token text as plain text");
  tokenize->callback([text, jsonl] {
    if (text->count() == 0 && jsonl->count() == 0) throw CLI::ValidationError("tokenize", "--text or --jsonl is required");
  });
  commands.push_back({tokenize, [opts] { return run_tokenize(*opts); }});

  CLI::App* detok = app.add_subcommand("detokenize", "Text of token ids with a model's tokenizer");
  detok->add_option("--model", opts->model, "Model directory (or tokenizer.json)")->required();
  auto* id_list = detok->add_option("--ids", *ids, "Comma-separated token ids; prints the exact bytes");
  auto* djsonl = detok->add_option("--jsonl", opts->jsonl, "File of JSON id arrays; prints one JSON string per line");
  id_list->excludes(djsonl);
  detok->add_flag("--skip-special", opts->no_special, "Leave special tokens out");
  detok->callback([id_list, djsonl] {
    if (id_list->count() == 0 && djsonl->count() == 0) throw CLI::ValidationError("detokenize", "--ids or --jsonl is required");
  });
  commands.push_back({detok, [opts, ids] { return run_detokenize(*opts, *ids); }});
}

}  // namespace gauntlet::harness
