#pragma once
// The built-in debate motions (used when a debate's options give no `topics`).
#include <string>
#include <vector>

namespace gauntlet::games {

const std::vector<std::string>& debate_topics();

}  // namespace gauntlet::games
