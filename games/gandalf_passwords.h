#pragma once
// The built-in password list of Gandalf: common English nouns of 5 to 10 letters, none of them a
// letter name or NATO word (so the spelled-out detector cannot be fooled by ordinary speech).
#include <string>
#include <vector>

namespace gauntlet::games {

const std::vector<std::string>& gandalf_passwords();

}  // namespace gauntlet::games
