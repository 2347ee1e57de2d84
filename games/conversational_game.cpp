#include "games/conversational_game.h"

namespace gauntlet::games {

std::string ConversationalGame::observation(int role) const { return intro(role) + log_.all(role) + instruction(role); }

std::string ConversationalGame::conversation_message(int role) const {
  return (log_.has_moved(role) ? "" : intro(role)) + log_.unseen(role) + instruction(role);
}

}  // namespace gauntlet::games
