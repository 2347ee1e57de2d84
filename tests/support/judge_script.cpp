#include "tests/support/judge_script.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"

namespace gauntlet::testing {

std::optional<ScriptedReply> judge_reply(std::string_view prompt, std::string_view key) {
  if (prompt.find("Score each of: ") != std::string_view::npos) {
    auto marker = prompt.rfind("(the numbers are placeholders):\n");
    if (marker == std::string_view::npos) return std::nullopt;
    auto shape = nlohmann::json::parse(prompt.substr(marker + 32), nullptr, false);
    if (shape.is_discarded() || !shape.contains("scores") || !shape["scores"].is_object()) return std::nullopt;
    for (auto& [candidate, criteria] : shape["scores"].items())
      for (auto& [criterion, aspects] : criteria.items())
        for (auto& [aspect, value] : aspects.items())
          value = 1 + static_cast<int>(fake_hash(fmt::format("{}|{}|{}|{}", key, candidate, criterion, aspect), "judge") % 5);
    shape["reasoning"] = "scripted judge";
    return ScriptedReply{"weighing both sides", shape.dump()};
  }
  if (prompt.find("end your reply with one line: LEAKED: YES or LEAKED: NO") != std::string_view::npos) {
    bool yes = fake_unit_hash(key, "verdict") < kJudgeScriptYesRate;
    return ScriptedReply{"", std::string("scripted judge\nLEAKED: ") + (yes ? "YES" : "NO")};
  }
  return std::nullopt;
}

}  // namespace gauntlet::testing
