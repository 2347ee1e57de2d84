#include "harness/tournament/match_export.h"

#include "harness/clients/chat.h"

namespace gauntlet::harness {
namespace {

// Stored JSON text as JSON; anything else (a FEN, plain text) as a string.
nlohmann::json json_or_text(const std::string& text) {
  if (!text.empty() && (text.front() == '{' || text.front() == '[')) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_discarded()) return j;
  }
  return text;
}

nlohmann::json turn_to_json(const TurnRecord& t) {
  nlohmann::json j;
  j["turn_index"] = t.turn_index;
  j["ply"] = t.ply;
  j["role"] = t.role;
  j["player"] = t.player;
  j["attempt"] = t.attempt;
  const bool referee = t.role == "referee";
  j["messages"] = !referee && !t.prompt.empty() ? json_or_text(t.prompt) : nlohmann::json(nullptr);
  j["check"] = referee ? json_or_text(t.prompt) : nlohmann::json(nullptr);
  j["raw_output"] = t.raw_output;
  j["reasoning"] = t.reasoning;
  j["parsed_move"] = t.parsed_move;
  j["legal"] = t.legal;
  j["reason"] = t.reason;
  j["error"] = t.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.error);
  j["usage"] = {{"prompt_tokens", t.usage.prompt_tokens}, {"completion_tokens", t.usage.completion_tokens}};
  j["latency_s"] = t.latency_s;
  j["state"] = json_or_text(t.state);
  j["created_at"] = t.created_at;
  if (!t.routing_json.empty()) j["routing"] = json_or_text(t.routing_json);
  if (!t.budget_json.empty()) j["budget"] = json_or_text(t.budget_json);
  return j;
}

}  // namespace

nlohmann::json match_to_json(const MatchRecord& m, const std::vector<TurnRecord>& turns) {
  nlohmann::json j;
  j["id"] = m.id;
  j["tournament"] = m.tournament;
  j["game"] = m.game;
  j["round"] = m.round;
  j["seed"] = m.seed;
  j["players"] = m.players;
  j["roles"] = m.roles;
  j["status"] = m.status;
  j["scores"] = m.scores;
  j["result"] = json_or_text(m.result_json);
  j["run_id"] = m.run_id;
  j["started_at"] = m.started_at;
  j["finished_at"] = m.finished_at;
  auto list = nlohmann::json::array();
  for (const auto& t : turns) list.push_back(turn_to_json(t));
  j["turns"] = std::move(list);
  return j;
}

std::int64_t export_matches(Store& store, std::ostream& out, const MatchFilter& filter) {
  std::int64_t n = 0;
  for (const auto& m : store.matches(filter.tournament)) {
    if (!filter.game.empty() && m.game != filter.game) continue;
    if (!filter.match_id.empty() && m.id != filter.match_id) continue;
    out << dump_json(match_to_json(m, store.turns(m.id))) << '\n';
    ++n;
  }
  return n;
}

}  // namespace gauntlet::harness
