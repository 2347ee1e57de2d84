#include "harness/store/match_store.h"

#include <sqlite3.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/store/database.h"
#include "harness/store/statement.h"

namespace gauntlet::harness {

using store_detail::kNow;
using store_detail::Statement;

void MatchStore::begin_match(const std::string& match_id) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              "DELETE FROM turns WHERE match_id=? AND match_id NOT IN (SELECT id FROM matches WHERE status != 'error')",
              db_.path());
  s.bind(1, match_id);
  s.step();
  Statement e(db_.handle(), "DELETE FROM matches WHERE id=? AND status='error'", db_.path());
  e.bind(1, match_id);
  e.step();
}

void MatchStore::put_turn(const TurnRecord& t) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              fmt::format("INSERT OR REPLACE INTO turns(match_id, turn_index, ply, role, player, attempt, prompt, "
                          "raw_output, reasoning, parsed_move, legal, reason, prompt_tokens, completion_tokens, "
                          "latency_s, error, state, created_at, routing, budget) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                          "COALESCE(NULLIF(?19, ''), {}),?18,?20)",
                          kNow),
              db_.path());
  s.bind(1, t.match_id).bind(2, t.turn_index).bind(3, t.ply).bind(4, t.role).bind(5, t.player).bind(6, t.attempt);
  s.bind(7, t.prompt).bind(8, t.raw_output).bind(9, t.reasoning).bind(10, t.parsed_move).bind(11, t.legal ? 1 : 0);
  s.bind(12, t.reason).bind(13, t.usage.prompt_tokens).bind(14, t.usage.completion_tokens).bind(15, t.latency_s);
  s.bind(16, t.error).bind(17, t.state).bind(18, t.routing_json).bind(19, t.created_at);
  s.bind(20, t.budget_json);
  s.step();
}

void MatchStore::finish_match(const MatchRecord& m) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              fmt::format("INSERT OR REPLACE INTO matches(id, tournament, game, round, seed, players_json, roles_json, "
                          "status, scores_json, result_json, run_id, started_at, finished_at) "
                          "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,COALESCE(NULLIF(?13, ''), {}))",
                          kNow),
              db_.path());
  s.bind(1, m.id).bind(2, m.tournament).bind(3, m.game).bind(4, m.round).bind(5, static_cast<std::int64_t>(m.seed));
  s.bind(6, nlohmann::json(m.players).dump()).bind(7, nlohmann::json(m.roles).dump()).bind(8, m.status);
  s.bind(9, nlohmann::json(m.scores).dump()).bind(10, m.result_json).bind(11, m.run_id).bind(12, m.started_at);
  s.bind(13, m.finished_at);
  s.step();
}

std::vector<MatchRecord> MatchStore::matches(const std::string& tournament) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              std::string("SELECT id, tournament, game, round, seed, players_json, roles_json, status, scores_json, "
                          "result_json, run_id, started_at, finished_at FROM matches") +
                  (tournament.empty() ? "" : " WHERE tournament=?") + " ORDER BY id",
              db_.path());
  if (!tournament.empty()) s.bind(1, tournament);
  std::vector<MatchRecord> out;
  while (s.step()) {
    MatchRecord m;
    m.id = s.text(0);
    m.tournament = s.text(1);
    m.game = s.text(2);
    m.round = static_cast<int>(s.integer(3));
    m.seed = static_cast<std::uint64_t>(s.integer(4));
    m.players = nlohmann::json::parse(s.text(5)).get<std::vector<std::string>>();
    m.roles = nlohmann::json::parse(s.text(6)).get<std::vector<std::string>>();
    m.status = s.text(7);
    m.scores = nlohmann::json::parse(s.text(8)).get<std::vector<double>>();
    m.result_json = s.text(9);
    m.run_id = s.integer(10);
    m.started_at = s.text(11);
    m.finished_at = s.text(12);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<TurnRecord> MatchStore::turns(const std::string& match_id) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              "SELECT match_id, turn_index, ply, role, player, attempt, prompt, raw_output, reasoning, parsed_move, "
              "legal, reason, prompt_tokens, completion_tokens, latency_s, error, state, created_at, routing, budget "
              "FROM turns "
              "WHERE match_id=? ORDER BY turn_index",
              db_.path());
  s.bind(1, match_id);
  std::vector<TurnRecord> out;
  while (s.step()) {
    TurnRecord t;
    t.match_id = s.text(0);
    t.turn_index = static_cast<int>(s.integer(1));
    t.ply = static_cast<int>(s.integer(2));
    t.role = s.text(3);
    t.player = s.text(4);
    t.attempt = static_cast<int>(s.integer(5));
    t.prompt = s.text(6);
    t.raw_output = s.text(7);
    t.reasoning = s.text(8);
    t.parsed_move = s.text(9);
    t.legal = s.integer(10) != 0;
    t.reason = s.text(11);
    t.usage.prompt_tokens = s.integer(12);
    t.usage.completion_tokens = s.integer(13);
    t.latency_s = s.real(14);
    t.error = s.text(15);
    t.state = s.text(16);
    t.created_at = s.text(17);
    t.routing_json = s.text(18);
    t.budget_json = s.text(19);
    out.push_back(std::move(t));
  }
  return out;
}
}  // namespace gauntlet::harness
