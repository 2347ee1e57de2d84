#include "harness/tournament/config.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "games/bot.h"
#include "games/game.h"
#include "harness/clients/model_check.h"
#include "harness/input/config_kind.h"
#include "harness/input/yaml_reader.h"
#include "harness/clients/model_spec_reader.h"
#include "harness/clients/model_variants.h"
#include "harness/judges/judge_config.h"
#include "harness/judges/rubric.h"

namespace gauntlet::harness {
namespace {

// One player, or one per variant of its model (`variants:` / `grid:`, clients/model_variants.h):
// "<player>/<variant>", each with its own model.
std::vector<PlayerConfig> read_player(const YAML::Node& node, const std::string& file, std::size_t index) {
  const std::string where = fmt::format("players[{}]", index);
  MapReader r(node, file, where);
  PlayerConfig p;
  std::vector<PlayerConfig> variants;
  p.name = r.req_string("name");
  auto bot = r.opt<std::string>("bot");
  bool has_model = r.has("model");
  auto model_node = r.get("model");
  if (bot.has_value() == has_model)
    r.fail(r.node(), where, "a player needs exactly one of `bot:` (random, heuristic, stockfish) or `model:`");
  if (bot) {
    p.bot = *bot;
    if (p.bot != "random" && p.bot != "heuristic" && p.bot != "stockfish")
      r.fail(r.node()["bot"], r.path("bot"), fmt::format("unknown bot '{}' (valid: random, heuristic, stockfish)", p.bot));
    p.bot_options = read_json_block(r, "options", nlohmann::json::object());
  } else {
    if (!model_node.IsMap()) p.model = read_named_model_spec(model_node, file, r.path("model"), p.name);  // its error
    std::vector<std::string> names;
    auto models = read_model_entry(model_node, file, r.path("model"), p.name, &names);
    if (names.size() == 1 && names[0].empty()) {
      p.model = std::move(models[0]);
    } else {
      for (std::size_t i = 0; i < models.size(); ++i) {
        PlayerConfig v;
        v.name = p.name + "/" + names[i];
        v.model = std::move(models[i]);
        variants.push_back(std::move(v));
      }
    }
    r.get("options");
    if (r.has("options")) r.fail(r.node()["options"], r.path("options"), "options are for bots; model settings go under model:");
  }
  r.finish();
  if (!variants.empty()) return variants;
  return {p};
}

// Judges and rubric of one game entry, checked against what the game needs.
void read_judging(MapReader& r, GameEntry& g, const std::vector<JudgeConfig>& judges) {
  if (r.has("judges")) {
    auto list = r.get("judges");
    if (!list.IsSequence()) r.fail(list, r.path("judges"), "expected a list of judge names");
    for (const auto& e : list) {
      if (!e.IsScalar()) r.fail(e, r.path("judges"), "expected a judge name");
      auto it = std::find_if(judges.begin(), judges.end(), [&](const JudgeConfig& j) { return j.name == e.Scalar(); });
      if (it == judges.end()) r.fail(e, r.path("judges"), fmt::format("no judge named '{}' (judges are listed under `judges:`)", e.Scalar()));
      if (std::find(g.judges.begin(), g.judges.end(), e.Scalar()) != g.judges.end())
        r.fail(e, r.path("judges"), fmt::format("judge '{}' is listed twice", e.Scalar()));
      if (g.game == "gandalf" && !it->bot.empty())
        r.fail(e, r.path("judges"), fmt::format("judge '{}' is the text-statistics bot, which cannot answer gandalf's "
                                                "yes/no leak question; use a model judge",
                                                e.Scalar()));
      g.judges.push_back(e.Scalar());
    }
  } else {
    r.get("judges");
  }
  const YAML::Node at = r.node()["judges"] ? r.node()["judges"] : r.node();
  if (g.game == "debate" && g.judges.empty()) r.fail(at, r.path("judges"), "a debate needs at least one judge");
  if (g.game == "gandalf") {
    bool judge = g.options.contains("judge") && g.options["judge"].is_boolean() && g.options["judge"].get<bool>();
    if (judge && g.judges.empty()) r.fail(at, r.path("judges"), "options.judge is true: name the judges");
    if (!judge && !g.judges.empty()) r.fail(at, r.path("judges"), "judges are asked only with options.judge: true");
  }
  if (g.game != "debate" && g.game != "gandalf" && !g.judges.empty())
    r.fail(at, r.path("judges"), fmt::format("{} has no judges (only debate and gandalf do)", g.game));
  if (r.has("rubric")) {
    if (g.game != "debate") r.fail(r.node()["rubric"], r.path("rubric"), "only a debate has a rubric");
    g.rubric = read_json_block(r, "rubric", nlohmann::json());
    try {
      Rubric::from_json(g.rubric);
    } catch (const std::invalid_argument& e) {
      r.fail(r.node()["rubric"], r.path("rubric"), e.what());
    }
  } else {
    r.get("rubric");
  }
}

bool plays(const PlayerConfig& p, const std::string& game) {
  if (!p.bot.empty()) return games::bot_supports(p.bot, game);
  return true;
}

GameEntry read_game(const YAML::Node& node, const std::string& file, std::size_t index,
                    const std::vector<PlayerConfig>& players, const std::vector<JudgeConfig>& judges,
                    const std::map<std::string, std::vector<std::string>>& expanded) {
  MapReader r(node, file, fmt::format("games[{}]", index));
  GameEntry g;
  g.game = r.req_string("game");
  auto names = games::game_names();
  if (std::find(names.begin(), names.end(), g.game) == names.end())
    r.fail(r.node()["game"], r.path("game"), fmt::format("unknown game '{}' (valid: {})", g.game, fmt::join(names, ", ")));
  g.name = r.opt<std::string>("name").value_or(g.game);
  g.options = read_json_block(r, "options", nlohmann::json::object());
  try {
    games::make_game(g.game, g.options, 0);  // validates the options
  } catch (const games::GameConfigError& e) {
    r.fail(r.node()["options"] ? r.node()["options"] : r.node(), r.path("options"), e.what());
  }
  if (g.options.contains("players") && g.options["players"].is_number_integer()) g.seats = g.options["players"];
  g.rounds = r.opt<int>("rounds").value_or(1);
  if (g.rounds < 1) r.fail(r.node()["rounds"], r.path("rounds"), "must be >= 1");
  if (r.has("players")) {
    auto list = r.get("players");
    if (!list.IsSequence()) r.fail(list, r.path("players"), "expected a list of player names");
    for (const auto& e : list) {
      if (!e.IsScalar()) r.fail(e, r.path("players"), "expected a player name");
      auto name = e.Scalar();
      if (auto group = expanded.find(name); group != expanded.end()) {  // every variant of that player
        g.players.insert(g.players.end(), group->second.begin(), group->second.end());
        continue;
      }
      auto it = std::find_if(players.begin(), players.end(), [&](const PlayerConfig& p) { return p.name == name; });
      if (it == players.end()) r.fail(e, r.path("players"), fmt::format("no player named '{}'", name));
      if (!plays(*it, g.game))
        r.fail(e, r.path("players"), fmt::format("bot '{}' ({}) cannot play {}", name, it->bot, g.game));
      g.players.push_back(name);
    }
  } else {
    r.get("players");
    for (const auto& p : players)
      if (plays(p, g.game)) g.players.push_back(p.name);
  }
  std::set<std::string> unique(g.players.begin(), g.players.end());
  if (unique.size() != g.players.size()) r.fail(r.node()["players"], r.path("players"), "a player is listed twice");
  if (static_cast<int>(g.players.size()) < g.seats)
    r.fail(r.node(), r.path("players"),
           fmt::format("{} needs {} players per match but only {} can play it", g.name, g.seats, g.players.size()));
  read_judging(r, g, judges);
  r.finish();
  return g;
}

}  // namespace

const PlayerConfig& TournamentConfig::player(const std::string& player_name) const {
  for (const auto& p : players)
    if (p.name == player_name) return p;
  throw ConfigError(fmt::format("{}: no player named '{}'", path.string(), player_name));
}

const JudgeConfig& TournamentConfig::judge(const std::string& judge_name) const {
  for (const auto& j : judges)
    if (j.name == judge_name) return j;
  throw ConfigError(fmt::format("{}: no judge named '{}'", path.string(), judge_name));
}

TournamentConfig load_tournament(const std::filesystem::path& path) {
  const std::string file = path.string();
  YAML::Node root = load_yaml_file(path, "tournament");
  expect_config_kind(root, file, "tournament");
  MapReader r(root, file, "");
  TournamentConfig t;
  t.path = std::filesystem::absolute(path);
  t.name = r.opt<std::string>("name").value_or(path.stem().string());
  t.concurrency = r.opt<int>("concurrency").value_or(t.concurrency);
  if (t.concurrency < 1) r.fail(root["concurrency"], "concurrency", "must be >= 1");
  t.seed = r.opt<std::uint64_t>("seed").value_or(t.seed);
  t.progress_interval_s = r.opt<double>("progress_interval").value_or(t.progress_interval_s);
  if (t.progress_interval_s <= 0) r.fail(root["progress_interval"], "progress_interval", "must be > 0 seconds");

  auto players = r.get("players");
  if (!players || !players.IsSequence() || players.size() < 2)
    r.fail(players ? players : root, "players", "expected a list of at least two players");
  std::set<std::string> names;
  std::map<std::string, std::vector<std::string>> expanded;  // a player with variants -> their names
  for (std::size_t i = 0; i < players.size(); ++i) {
    auto read = read_player(players[i], file, i);
    const bool has_variants = read.size() > 1 || read[0].name != players[i]["name"].as<std::string>();
    for (auto& p : read) {
      if (!names.insert(p.name).second)
        r.fail(players[i], fmt::format("players[{}].name", i), fmt::format("duplicate player name '{}'", p.name));
      if (has_variants) expanded[players[i]["name"].as<std::string>()].push_back(p.name);
      t.players.push_back(std::move(p));
    }
  }
  for (const auto& [base, variants] : expanded)
    if (names.count(base))
      r.fail(players, "players", fmt::format("'{}' names both a player and a player with variants", base));
  t.judges = read_judge_list(r, "judges", names);
  auto game_list = r.get("games");
  if (!game_list || !game_list.IsSequence() || game_list.size() == 0)
    r.fail(game_list ? game_list : root, "games", "expected a non-empty list of games");
  std::set<std::string> game_names;
  for (std::size_t i = 0; i < game_list.size(); ++i) {
    t.games.push_back(read_game(game_list[i], file, i, t.players, t.judges, expanded));
    if (!game_names.insert(t.games.back().name).second)
      r.fail(game_list[i], fmt::format("games[{}].name", i),
             fmt::format("two games are named '{}'; give one a `name:`", t.games.back().name));
  }
  if (r.has("rules")) {
    MapReader m(r.get("rules"), file, "rules");
    t.rules.max_attempts_per_turn = m.opt<int>("max_attempts_per_turn").value_or(t.rules.max_attempts_per_turn);
    t.rules.max_attempts_per_game = m.opt<int>("max_attempts_per_game").value_or(t.rules.max_attempts_per_game);
    t.rules.move_timeout_s = m.opt<double>("move_timeout").value_or(t.rules.move_timeout_s);
    t.rules.max_turns = m.opt<int>("max_turns").value_or(t.rules.max_turns);
    if (t.rules.max_attempts_per_turn < 1)
      m.fail(m.node()["max_attempts_per_turn"], m.path("max_attempts_per_turn"), "must be >= 1");
    if (t.rules.max_attempts_per_game < 1)
      m.fail(m.node()["max_attempts_per_game"], m.path("max_attempts_per_game"), "must be >= 1");
    if (t.rules.move_timeout_s <= 0) m.fail(m.node()["move_timeout"], m.path("move_timeout"), "must be > 0 seconds");
    if (t.rules.max_turns < 1) m.fail(m.node()["max_turns"], m.path("max_turns"), "must be >= 1");
    m.finish();
  } else {
    r.get("rules");
  }
  r.finish();
  return t;
}

void check_players(const TournamentConfig& config) {
  for (const auto& p : config.players)
    if (p.model) check_model_loadable(*p.model);
  for (const auto& j : config.judges)
    if (j.model) check_model_loadable(*j.model);
  for (const auto& game : config.games)
    for (const auto& name : game.players) {
      const auto& p = config.player(name);
      if (p.bot.empty()) continue;
      try {
        games::make_bot(p.bot, game.game, p.bot_options, 0);
      } catch (const std::exception& e) {
        throw ConfigError(fmt::format("{}: player '{}' cannot play {}: {}", config.path.string(), name, game.name,
                                      e.what()));
      }
    }
}

}  // namespace gauntlet::harness
