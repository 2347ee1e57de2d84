#pragma once
// Tournament matches as rating battles: each match decomposes pairwise by final score (a forfeit
// already scores the forfeiting seat lowest; a match that ended in an error has no result and is
// left out); the seat rotations of one player set in one round
// share a bootstrap group, so colour/seat advantage stays paired when resampling.
#include <map>
#include <string>
#include <vector>

#include "harness/ratings/ratings.h"
#include "harness/store/store.h"

namespace gauntlet::harness {

std::vector<Battle> battles_from_matches(const std::vector<MatchRecord>& matches);

// Matches with a result (status finished or forfeit) split by game label, in name order.
std::map<std::string, std::vector<MatchRecord>> matches_by_game(const std::vector<MatchRecord>& matches);

}  // namespace gauntlet::harness
