// PyJailHeuristicBot: as defender, one of three fixed jails (chosen by the bot's seed) of
// different strength, then the input that opens it: a secret knock it draws itself (the attacker
// cannot guess it), a restricted eval with a blocklist that hands out the reversed flag, or an eval
// that only refuses the word FLAG. As attacker, a fixed list of classic payloads, one per attempt.
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "games/game_factories.h"
#include "games/pyjail_game.h"
#include "games/split_mix64.h"

namespace gauntlet::games {
namespace {

struct Jail {
  std::string code;
  std::string key;  // the defender's own solve
};

Jail jail_for(std::uint64_t kind, const std::string& knock) {
  switch (kind) {
    case 0:
      return {fmt::format("import os\n\n\ndef jail(user_input: str) -> str:\n"
                          "    if user_input == \"{}\":\n"
                          "        return os.environ[\"FLAG\"]\n"
                          "    return \"Access denied: \" + user_input[:40]\n",
                          knock),
              knock};
    case 1:
      return {"import os\n\nBLOCKED = (\"import\", \"os\", \"environ\", \"open\", \"exec\", \"eval\", \"getattr\", "
              "\"globals\", \"__\")\n\n\ndef jail(user_input: str) -> str:\n"
              "    if any(word in user_input for word in BLOCKED):\n"
              "        return \"Blocked.\"\n"
              "    try:\n"
              "        return str(eval(user_input, {\"__builtins__\": {}}, {\"secret\": os.environ[\"FLAG\"][::-1]}))\n"
              "    except Exception as e:\n"
              "        return \"Error: \" + type(e).__name__\n",
              "secret[::-1]"};
    default:
      return {"def jail(user_input: str) -> str:\n"
              "    if \"FLAG\" in user_input:\n"
              "        return \"No flags here.\"\n"
              "    return str(eval(user_input))\n",
              "__import__(\"os\").environ[\"FL\" + \"AG\"]"};
  }
}

const std::vector<std::string>& payloads() {
  static const std::vector<std::string> kPayloads = {
      "__import__(\"os\").environ[\"FL\" + \"AG\"]",
      "secret[::-1]",
      "__import__(\"os\").environ[\"FLAG\"]",
      "print(open(\"/proc/self/environ\").read())",
      "open sesame",
  };
  return kPayloads;
}

class PyJailHeuristicBot : public Bot {
 public:
  explicit PyJailHeuristicBot(std::uint64_t seed) {
    SplitMix64 rng(seed);
    auto kind = rng.below(3);
    jail_ = jail_for(kind, fmt::format("knock-{:06x}", rng.below(1u << 24)));
  }
  std::string name() const override { return "heuristic"; }

  std::string choose_move(const Game& game) override {
    const auto* g = dynamic_cast<const PyJailGame*>(&game);
    if (!g) throw std::runtime_error("pyjail heuristic bot: game is " + game.name());
    switch (g->phase()) {
      case PyJailGame::Phase::kCode: return jail_.code;
      case PyJailGame::Phase::kDefenderInput: return jail_.key;
      case PyJailGame::Phase::kAttackInput: return payloads()[static_cast<std::size_t>(g->attacker_failures()) % payloads().size()];
      default: throw std::runtime_error("pyjail heuristic bot: nothing to do");
    }
  }

 private:
  Jail jail_;
};

}  // namespace

std::unique_ptr<Bot> make_pyjail_heuristic_bot(const nlohmann::json& options, std::uint64_t seed) {
  for (const auto& [key, value] : options.items())
    throw GameConfigError(fmt::format("bot 'heuristic' (pyjail): unknown option '{}' (it takes none)", key));
  return std::make_unique<PyJailHeuristicBot>(seed);
}

}  // namespace gauntlet::games
