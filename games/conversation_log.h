#pragma once
// ConversationLog: the events of a conversational game (moves, check results) with who may see
// each, so that a role's turn message holds exactly what is new to it since its previous move.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::games {

class ConversationLog {
 public:
  explicit ConversationLog(int roles) : seen_(static_cast<std::size_t>(roles), 0), moved_(static_cast<std::size_t>(roles), false) {}

  // An event seen by the roles in `audience` (empty: every role).
  void add(std::string text, std::vector<int> audience = {});
  // The events `role` may see that came after its previous move, one per line ("" when none).
  std::string unseen(int role) const;
  // Every event `role` may see, one per line.
  std::string all(int role) const;
  // Whether `role` has moved before (its first message then carries the rules).
  bool has_moved(int role) const { return moved_[static_cast<std::size_t>(role)]; }
  // `role` moved: everything logged so far counts as seen by it.
  void mark_moved(int role);

  nlohmann::json to_json() const;

 private:
  struct Event {
    std::string text;
    std::vector<int> audience;
  };
  bool visible(const Event& e, int role) const;
  std::string join(int role, std::size_t from) const;

  std::vector<Event> events_;
  std::vector<std::size_t> seen_;
  std::vector<bool> moved_;
};

}  // namespace gauntlet::games
