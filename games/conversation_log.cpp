#include "games/conversation_log.h"

#include <algorithm>

namespace gauntlet::games {

void ConversationLog::add(std::string text, std::vector<int> audience) {
  events_.push_back({std::move(text), std::move(audience)});
}

bool ConversationLog::visible(const Event& e, int role) const {
  return e.audience.empty() || std::find(e.audience.begin(), e.audience.end(), role) != e.audience.end();
}

std::string ConversationLog::join(int role, std::size_t from) const {
  std::string out;
  for (std::size_t i = from; i < events_.size(); ++i)
    if (visible(events_[i], role)) out += events_[i].text + "\n";
  return out;
}

std::string ConversationLog::unseen(int role) const { return join(role, seen_[static_cast<std::size_t>(role)]); }

std::string ConversationLog::all(int role) const { return join(role, 0); }

void ConversationLog::mark_moved(int role) {
  seen_[static_cast<std::size_t>(role)] = events_.size();
  moved_[static_cast<std::size_t>(role)] = true;
}

nlohmann::json ConversationLog::to_json() const {
  auto a = nlohmann::json::array();
  for (const auto& e : events_) {
    nlohmann::json j = {{"text", e.text}};
    if (!e.audience.empty()) j["audience"] = e.audience;
    a.push_back(std::move(j));
  }
  return a;
}

}  // namespace gauntlet::games
