#include "harness/tournament/match_schedule.h"

#include <fmt/format.h>

#include "harness/digest/sha256.h"

namespace gauntlet::harness {
namespace {

// All k-subsets of 0..n-1 in lexicographic order.
std::vector<std::vector<int>> combinations(int n, int k) {
  std::vector<std::vector<int>> out;
  std::vector<int> c(k);
  for (int i = 0; i < k; ++i) c[i] = i;
  while (true) {
    out.push_back(c);
    int i = k - 1;
    while (i >= 0 && c[i] == n - k + i) --i;
    if (i < 0) break;
    ++c[i];
    for (int j = i + 1; j < k; ++j) c[j] = c[j - 1] + 1;
  }
  return out;
}

}  // namespace

std::vector<ScheduledMatch> schedule_matches(const TournamentConfig& config) {
  std::vector<ScheduledMatch> out;
  for (const auto& game : config.games) {
    const int n = static_cast<int>(game.players.size());
    auto sets = combinations(n, game.seats);
    for (int round = 0; round < game.rounds; ++round) {
      for (const auto& set : sets) {
        std::vector<std::string> members;
        for (int i : set) members.push_back(game.players[i]);
        std::string pairing = fmt::format("{}", fmt::join(members, ","));
        std::string material = fmt::format("{}|{}|{}|{}", config.seed, game.name, pairing, round);
        std::uint64_t seed = std::stoull(sha256_hex(material).substr(0, 15), nullptr, 16);
        for (int rotation = 0; rotation < game.seats; ++rotation) {
          ScheduledMatch m;
          m.game = &game;
          m.round = round;
          m.seed = seed;
          m.pairing = pairing;
          for (int s = 0; s < game.seats; ++s) m.seats.push_back(members[(s + rotation) % game.seats]);
          m.id = fmt::format("{}/r{}/{}", game.name, round, fmt::join(m.seats, ","));
          out.push_back(std::move(m));
        }
      }
    }
  }
  return out;
}

}  // namespace gauntlet::harness
