#include "harness/tournament/match_battles.h"

#include <algorithm>

#include <fmt/format.h>

namespace gauntlet::harness {

std::vector<Battle> battles_from_matches(const std::vector<MatchRecord>& matches) {
  std::map<std::string, std::int64_t> groups;
  std::vector<Battle> battles;
  for (const auto& m : matches) {
    if (m.status == "error" || m.players.size() != m.scores.size() || m.players.size() < 2) continue;
    auto members = m.players;
    std::sort(members.begin(), members.end());
    auto key = fmt::format("{}|{}|{}|{}", m.tournament, m.game, m.round, fmt::join(members, ","));
    auto group = groups.emplace(key, static_cast<std::int64_t>(groups.size())).first->second;
    std::vector<std::pair<std::string, double>> scores;
    for (std::size_t i = 0; i < m.players.size(); ++i) scores.emplace_back(m.players[i], m.scores[i]);
    for (auto& b : decompose_multiplayer(scores, group)) battles.push_back(std::move(b));
  }
  return battles;
}

std::map<std::string, std::vector<MatchRecord>> matches_by_game(const std::vector<MatchRecord>& matches) {
  std::map<std::string, std::vector<MatchRecord>> out;
  for (const auto& m : matches)
    if (m.status != "error") out[m.game].push_back(m);
  return out;
}

}  // namespace gauntlet::harness
