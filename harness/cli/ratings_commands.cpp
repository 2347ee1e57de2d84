// `gauntlet ratings`: Bradley-Terry (or online Elo) ratings with bootstrap CIs from a battles file
// or a tournament database.
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <cmath>
#include <memory>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "harness/ratings/battle_reader.h"
#include "harness/cli/command.h"
#include "harness/errors/errors.h"
#include "harness/tournament/match_battles.h"
#include "harness/ratings/ratings.h"
#include "harness/ratings/ratings_report.h"
#include "harness/store/store.h"

namespace gauntlet::harness {
namespace {

// Tournament matches from a database, by game (name order), optionally only one game. A database
// without a `matches` table, or with no (matching) rows in it, is a usage error.
std::map<std::string, std::vector<MatchRecord>> read_db_matches(const std::string& path, const std::string& game) {
  if (std::error_code ec; !std::filesystem::exists(path, ec))
    throw UsageError(fmt::format("--db {}: no such database", path));
  {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    if (rc != SQLITE_OK)
      throw UsageError(fmt::format("--db {}: cannot open: {}", path, raw ? sqlite3_errmsg(raw) : "out of memory"));
    sqlite3_stmt* stmt = nullptr;
    rc = sqlite3_prepare_v2(db.get(), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'matches'",
                            -1, &stmt, nullptr);
    if (rc != SQLITE_OK)
      throw UsageError(fmt::format("--db {}: not a readable SQLite database: {}", path, sqlite3_errmsg(db.get())));
    bool has_matches = sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0) > 0;
    sqlite3_finalize(stmt);
    if (!has_matches)
      throw UsageError(fmt::format("--db {}: no tournament matches in DB (no `matches` table; run `gauntlet "
                                   "tournament` first, or use --battles FILE.jsonl)",
                                   path));
  }
  Store store(path);
  auto by_game = matches_by_game(store.matches());
  if (!game.empty()) {
    auto it = by_game.find(game);
    if (it == by_game.end())
      throw UsageError(fmt::format("--db {}: no tournament matches in DB for --game {}", path, game));
    auto only = std::move(it->second);
    by_game.clear();
    by_game.emplace(game, std::move(only));
  }
  if (by_game.empty()) throw UsageError(fmt::format("--db {}: no tournament matches in DB", path));
  return by_game;
}

RatingAnchor parse_anchor(const std::string& text) {
  auto eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw UsageError(fmt::format("--anchor {}: expected NAME=RATING", text));
  RatingAnchor anchor;
  anchor.player = text.substr(0, eq);
  std::string value = text.substr(eq + 1);
  try {
    std::size_t used = 0;
    anchor.rating = std::stod(value, &used);
    if (used != value.size() || !std::isfinite(anchor.rating)) throw std::invalid_argument(value);
  } catch (const std::exception&) {
    throw UsageError(fmt::format("--anchor {}: RATING must be a number, got '{}'", text, value));
  }
  return anchor;
}

struct RatingsArgs {
  std::string battles, db, game, anchor, html;
  int bootstrap = 1000;
  std::uint64_t seed = 1;
  bool elo = false, json = false;
  double elo_k = 4.0;
};

int cmd_ratings(const RatingsArgs& a) {
  if (a.battles.empty() == a.db.empty()) throw UsageError("ratings: give exactly one of --battles FILE.jsonl or --db PATH");
  if (a.bootstrap < 0) throw UsageError(fmt::format("--bootstrap {}: must be >= 0", a.bootstrap));
  if (!(a.elo_k > 0.0)) throw UsageError(fmt::format("--elo-k {}: must be > 0", a.elo_k));
  RatingOptions options;
  options.method = a.elo ? RatingMethod::kOnlineElo : RatingMethod::kBradleyTerry;
  options.bootstrap = a.bootstrap;
  options.seed = a.seed;
  options.elo_k = a.elo_k;
  if (!a.anchor.empty()) options.anchor = parse_anchor(a.anchor);

  // One section per game (a single unnamed one for --battles).
  std::vector<std::pair<std::string, std::vector<Battle>>> sections;
  if (!a.battles.empty()) {
    if (!a.game.empty()) throw UsageError("--game: only with --db");
    sections.emplace_back("", read_battles_jsonl(a.battles));
  } else {
    for (auto& [game, matches] : read_db_matches(a.db, a.game)) {
      auto battles = battles_from_matches(matches);
      if (!battles.empty()) sections.emplace_back(game, std::move(battles));
    }
    if (sections.empty()) throw UsageError(fmt::format("--db {}: no tournament matches in DB with scores", a.db));
    if (sections.size() > 1 && (a.json || !a.html.empty())) {
      std::string games;
      for (const auto& [game, battles] : sections) games += (games.empty() ? "" : ", ") + game;
      throw UsageError(fmt::format("--db {} holds several games ({}): pick one with --game for --json or --html",
                                   a.db, games));
    }
  }
  for (const auto& [game, battles] : sections) {
    if (options.anchor) {
      bool found = false;
      for (const auto& b : battles) found = found || b.a == options.anchor->player || b.b == options.anchor->player;
      if (!found)
        throw UsageError(fmt::format("--anchor {}: player '{}' has no battles{}", a.anchor, options.anchor->player,
                                     game.empty() ? "" : " in " + game));
    }
    RatingTable table = compute_ratings(battles, options);
    WdlMatrix wdl = wdl_matrix(battles);
    const std::string description = describe_ratings(options, table.bootstrap);
    if (!a.html.empty()) {
      std::ofstream out(a.html, std::ios::binary);
      if (!out) throw UsageError(fmt::format("--html {}: cannot write", a.html));
      std::string source = std::filesystem::path(a.battles.empty() ? a.db : a.battles).filename().string();
      out << render_ratings_html(table, wdl, description,
                                 fmt::format("Gauntlet ratings: {}{}", source, game.empty() ? "" : " / " + game));
      if (!out) throw GauntletError(fmt::format("--html {}: write failed", a.html));
    }
    if (a.json) {
      std::cout << render_ratings_json(table).dump() << "\n";
      for (const auto& w : table.warnings)
        std::cerr << fmt::format("gauntlet: warning: {}{}\n", game.empty() ? "" : game + ": ", w);
    } else {
      if (!game.empty()) std::cout << fmt::format("== {} ({} battles)\n", game, battles.size());
      std::cout << render_ratings_text(table, wdl, description);
      if (sections.size() > 1) std::cout << "\n";
    }
  }
  return 0;
}

}  // namespace

void add_ratings_commands(CLI::App& app, CliCommands& commands) {
  auto a = std::make_shared<RatingsArgs>();
  auto* ratings = app.add_subcommand("ratings", "Bradley-Terry ratings with 95% CIs from battles or a tournament");
  ratings->add_option("--battles", a->battles,
                      "JSONL of {\"a\",\"b\",\"winner\":\"a\"|\"b\"|\"tie\"} (LMSYS model_a/model_b also read)");
  ratings->add_option("--db", a->db, "Tournament database (one leaderboard per game)");
  ratings->add_option("--game", a->game, "With --db: only this game's matches");
  ratings->add_option("--bootstrap", a->bootstrap, "Bootstrap resamples for the 95% CIs (0: none)")
      ->capture_default_str();
  ratings->add_option("--seed", a->seed, "Bootstrap seed")->capture_default_str();
  ratings->add_option("--anchor", a->anchor, "NAME=RATING: fix one player's rating (default: mean rating 1000)");
  ratings->add_flag("--elo", a->elo, "Online Elo in input order instead of Bradley-Terry");
  ratings->add_option("--elo-k", a->elo_k, "K factor for --elo")->capture_default_str();
  ratings->add_flag("--json", a->json, "Print JSON: {\"ratings\":[{\"player\",\"rating\",\"ci95\",\"games\",...}]}");
  ratings->add_option("--html", a->html, "Also write a self-contained HTML leaderboard to this file");
  commands.push_back({ratings, [a] { return cmd_ratings(*a); }});
}

}  // namespace gauntlet::harness
