// gauntlet tokenize / detokenize: the engine's tokenizer from the command line.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/text/tokenizer.h"
#include "harness/clients/chat.h"
#include "harness/cli/command.h"
#include "harness/errors/errors.h"

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

std::vector<int> parse_ids(const std::string& list) {
  std::vector<int> ids;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t comma = list.find(',', pos);
    std::string item = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    std::size_t used = 0;
    int id = -1;
    try {
      id = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size() || id < 0) throw UsageError("--ids: '" + item + "' is not a token id");
    ids.push_back(id);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return ids;
}

int run_tokenize(const TokenizeOptions& o) {
  engine::Tokenizer tok = load_tokenizer(o.model);
  if (o.jsonl.empty()) {
    std::cout << nlohmann::json(tok.encode(o.text, !o.no_special)).dump() << "\n";
    return 0;
  }
  std::ifstream in(o.jsonl, std::ios::binary);
  if (!in) throw DatasetError(o.jsonl, 0, "cannot open");
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw DatasetError(o.jsonl, number, std::string("not JSON: ") + e.what());
    }
    if (!j.is_string()) throw DatasetError(o.jsonl, number, "expected one JSON string per line");
    std::cout << nlohmann::json(tok.encode(j.get_ref<const std::string&>(), !o.no_special)).dump() << "\n";
  }
  return 0;
}

int run_detokenize(const TokenizeOptions& o, const std::string& ids) {
  engine::Tokenizer tok = load_tokenizer(o.model);
  if (o.jsonl.empty()) {
    std::cout << tok.decode(parse_ids(ids), o.no_special);
    return 0;
  }
  std::ifstream in(o.jsonl, std::ios::binary);
  if (!in) throw DatasetError(o.jsonl, 0, "cannot open");
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::vector<int> list;
    try {
      list = nlohmann::json::parse(line).get<std::vector<int>>();
    } catch (const nlohmann::json::exception& e) {
      throw DatasetError(o.jsonl, number, std::string("expected a JSON array of token ids: ") + e.what());
    }
    try {
      std::cout << dump_json(tok.decode(list, o.no_special)) << "\n";
    } catch (const engine::TokenizerError& e) {
      throw DatasetError(o.jsonl, number, e.what());
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
