#pragma once
// The matches of a tournament: for each game, every set of `seats` players plays every seat
// rotation (colours/seats swapped) with one shared seed per round, so seat advantage cancels out.
// Matches come ordered so that every player set finishes round r before any starts round r+1.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/tournament/config.h"

namespace gauntlet::harness {

struct ScheduledMatch {
  std::string id;                  // "<game name>/r<round>/<seat players joined by ','>"
  const GameEntry* game = nullptr;
  int round = 0;
  std::uint64_t seed = 0;          // shared by the rotations of one player set in one round
  std::vector<std::string> seats;  // player names in role order
  std::string pairing;             // the player set, sorted and joined: matches of one pairing share it
};

std::vector<ScheduledMatch> schedule_matches(const TournamentConfig& config);

}  // namespace gauntlet::harness
