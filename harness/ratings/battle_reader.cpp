#include "harness/ratings/battle_reader.h"

#include <fstream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/json/json_input.h"
#include "harness/errors/errors.h"
#include "harness/input/jsonl_reader.h"

namespace gauntlet::harness {

namespace {

std::string player_field(const nlohmann::json& row, const char* key, const char* alt, const std::string& file,
                         int line) {
  const nlohmann::json* v = nullptr;
  if (row.contains(key)) v = &row[key];
  else if (row.contains(alt)) v = &row[alt];
  if (v == nullptr) throw DatasetError(file, line, fmt::format("missing \"{}\" (or \"{}\")", key, alt));
  if (!v->is_string() || v->get<std::string>().empty())
    throw DatasetError(file, line, fmt::format("\"{}\" must be a non-empty string", row.contains(key) ? key : alt));
  return v->get<std::string>();
}

}  // namespace

std::vector<Battle> read_battles_jsonl(std::istream& in, const std::string& name) {
  std::vector<Battle> out;
  std::map<std::string, std::int64_t> string_groups;
  JsonlReader reader(in, name);
  nlohmann::json row;
  while (reader.next(row)) {
    const int line = reader.line();
    if (!row.is_object()) reader.fail("expected a JSON object");
    Battle bt;
    bt.a = player_field(row, "a", "model_a", name, line);
    bt.b = player_field(row, "b", "model_b", name, line);
    if (bt.a == bt.b) throw DatasetError(name, line, fmt::format("player \"{}\" plays against itself", bt.a));
    if (!row.contains("winner")) throw DatasetError(name, line, "missing \"winner\"");
    const auto& w = row["winner"];
    std::string winner = w.is_string() ? w.get<std::string>() : "";
    if (winner == "a" || winner == "model_a") bt.winner = Battle::Winner::kA;
    else if (winner == "b" || winner == "model_b") bt.winner = Battle::Winner::kB;
    else if (winner == "tie" || winner == "tie (bothbad)") bt.winner = Battle::Winner::kTie;
    else
      throw DatasetError(name, line,
                         fmt::format("\"winner\" must be \"a\", \"b\" or \"tie\" (or \"model_a\", \"model_b\", "
                                     "\"tie (bothbad)\"), got {}",
                                     engine::json_brief(w)));
    if (row.contains("group")) {
      const auto& g = row["group"];
      if (g.is_number_integer() && g.get<std::int64_t>() >= 0) {
        bt.group = g.get<std::int64_t>();
      } else if (g.is_string()) {
        // String groups get dense ids from 2^62 up, a range integer groups do not realistically use.
        auto [it, fresh] = string_groups.emplace(g.get<std::string>(), 0);
        if (fresh) it->second = (std::int64_t{1} << 62) + static_cast<std::int64_t>(string_groups.size());
        bt.group = it->second;
      } else if (!g.is_null()) {
        throw DatasetError(name, line, "\"group\" must be a non-negative integer or a string");
      }
    }
    out.push_back(std::move(bt));
  }
  return out;
}

std::vector<Battle> read_battles_jsonl(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("--battles {}: cannot open", path));
  auto battles = read_battles_jsonl(in, path);
  if (battles.empty()) throw UsageError(fmt::format("--battles {}: no battles in the file", path));
  return battles;
}

}  // namespace gauntlet::harness
