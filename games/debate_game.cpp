#include "games/debate_game.h"

#include <cmath>
#include <set>

#include <fmt/format.h>

#include "games/debate_topics.h"
#include "games/free_text.h"
#include "games/game_factories.h"
#include "games/game_options.h"
#include "games/split_mix64.h"

namespace gauntlet::games {
namespace {

const char* side_name(int side) { return side == DebateGame::kFor ? "for" : "against"; }

std::string capitalised(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

DebateOptions DebateOptions::from_json(const nlohmann::json& options) {
  static const std::set<std::string> kKeys = {"topics", "topic", "rebuttal_rounds", "max_chars"};
  for (const auto& [key, value] : options.items())
    if (!kKeys.count(key))
      throw GameConfigError(
          fmt::format("debate: unknown option '{}' (valid: topics, topic, rebuttal_rounds, max_chars)", key));
  DebateOptions o;
  if (options.contains("topic") && options.contains("topics")) throw GameConfigError("debate: give `topic` or `topics`, not both");
  if (options.contains("topics")) o.topics = string_list_option(options, "debate", "topics");
  if (options.contains("topic")) {
    const auto& t = options.at("topic");
    if (!t.is_string() || trim(t.get<std::string>()).empty())
      throw GameConfigError("debate: option 'topic' must be a non-empty string");
    o.topic = t.get<std::string>();
  }
  o.rebuttal_rounds = int_option(options, "debate", "rebuttal_rounds", o.rebuttal_rounds, 0, 10);
  o.max_chars = int_option(options, "debate", "max_chars", o.max_chars, 50, 1000000);
  return o;
}

DebateGame::DebateGame(const DebateOptions& options, std::uint64_t seed)
    : ConversationalGame(2), options_(options) {
  if (options.topic) {
    topic_ = *options.topic;
  } else {
    const auto& list = options.topics.empty() ? debate_topics() : options.topics;
    SplitMix64 rng(seed ^ 0x9e6c63d0676a9a99ULL);
    topic_ = list[rng.below(list.size())];
  }
}

std::string DebateGame::next_stage() const {
  const int n = static_cast<int>(statements_.size());
  if (n >= total_statements()) return "";
  if (n < 2) return "opening";
  if (n < total_statements() - 2) return "rebuttal";
  return "closing";
}

int DebateGame::to_move() const {
  if (outcome_.finished || static_cast<int>(statements_.size()) >= total_statements()) return -1;
  return static_cast<int>(statements_.size()) % 2 == 0 ? kFor : kAgainst;
}

std::optional<std::string> DebateGame::parse_move(const std::string& text, std::string* reason) const {
  auto fail = [&](std::string why) -> std::optional<std::string> {
    if (reason) *reason = std::move(why);
    return std::nullopt;
  };
  if (to_move() < 0) return fail(outcome_.finished ? "the game is over" : "the judges are deliberating");
  std::string move = trim(text);
  if (move.empty()) return fail("the statement is empty");
  if (static_cast<int>(move.size()) > options_.max_chars)
    return fail(fmt::format("the statement is {} characters long; the limit is {}", move.size(), options_.max_chars));
  return move;
}

Legality DebateGame::apply(const std::string& text) {
  std::string reason;
  auto move = parse_move(text, &reason);
  if (!move) return {false, reason};
  const int side = to_move();
  const std::string stage = next_stage();
  log_.mark_moved(side);
  statements_.push_back({side, stage, *move});
  log_.add(fmt::format("{} ({}):\n{}", capitalised(side_name(side)), stage, *move), {1 - side});
  return {true, ""};
}

std::optional<CheckRequest> DebateGame::pending_check() const {
  if (outcome_.finished || static_cast<int>(statements_.size()) < total_statements()) return std::nullopt;
  CheckRequest r;
  r.kind = "debate_judgement";
  auto statements = nlohmann::json::array();
  for (const auto& s : statements_) statements.push_back({{"side", side_name(s.side)}, {"stage", s.stage}, {"text", s.text}});
  r.input = {{"topic", topic_}, {"statements", statements}, {"sides", {"for", "against"}}};
  return r;
}

Legality DebateGame::resolve_check(const nlohmann::json& result) {
  if (!pending_check()) return {false, "no judgement is pending"};
  auto total = [&](const char* side) -> std::optional<double> {
    if (!result.is_object() || !result.contains("totals") || !result["totals"].is_object()) return std::nullopt;
    const auto& t = result["totals"];
    if (!t.contains(side) || !t[side].is_number() || !std::isfinite(t[side].get<double>())) return std::nullopt;
    return t[side].get<double>();
  };
  auto f = total("for"), a = total("against");
  if (!f || !a) return {false, "a debate_judgement result needs numeric \"totals\" for \"for\" and \"against\""};
  judgement_ = result;
  outcome_.finished = true;
  // Totals are sums of integer scores times weights / 100: a difference below 1e-9 is a tie.
  if (*f > *a + 1e-9) {
    outcome_.scores = {1.0, 0.0};
    outcome_.reason = fmt::format("the judges favour for ({:.2f} to {:.2f})", *f, *a);
  } else if (*a > *f + 1e-9) {
    outcome_.scores = {0.0, 1.0};
    outcome_.reason = fmt::format("the judges favour against ({:.2f} to {:.2f})", *a, *f);
  } else {
    outcome_.scores = {0.5, 0.5};
    outcome_.reason = fmt::format("a tie ({:.2f} each)", *f);
  }
  return {true, ""};
}

std::string DebateGame::intro(int role) const {
  return fmt::format(
      "Debate. Motion: \"{}\"\nYou argue {} the motion; your opponent argues {} it. The debate has opening "
      "statements, {} round{} of rebuttals and closing statements; the side for the motion speaks first in each "
      "stage. Judges then score both sides on argumentation, rebuttal, evidence, overall performance and "
      "presentation.\n",
      topic_, role == kFor ? "FOR" : "AGAINST", role == kFor ? "against" : "for", options_.rebuttal_rounds,
      options_.rebuttal_rounds == 1 ? "" : "s");
}

std::string DebateGame::instruction(int role) const {
  if (outcome_.finished) return "The debate is over: " + outcome_.reason + ".\n";
  if (to_move() != role) return "";
  return fmt::format("Give your {} statement (plain text, at most {} characters).\n", next_stage(), options_.max_chars);
}

std::string DebateGame::state() const {
  nlohmann::json j;
  j["topic"] = topic_;
  auto statements = nlohmann::json::array();
  for (const auto& s : statements_) statements.push_back({{"side", side_name(s.side)}, {"stage", s.stage}, {"text", s.text}});
  j["statements"] = statements;
  j["judgement"] = judgement_;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::unique_ptr<Game> make_debate_game(const nlohmann::json& options, std::uint64_t seed) {
  return std::make_unique<DebateGame>(DebateOptions::from_json(options), seed);
}

}  // namespace gauntlet::games
