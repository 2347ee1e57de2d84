#include "harness/tournament/match_runner.h"

#include <chrono>
#include <ctime>
#include <set>

#include <fmt/format.h>

#include "games/free_text.h"

namespace gauntlet::harness {
namespace {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TurnRecord make_turn(const std::string& match_id, int turn_index, int ply, const std::string& role,
                     const std::string& player, int attempt, const std::string& state) {
  TurnRecord t;
  t.match_id = match_id;
  t.turn_index = turn_index;
  t.ply = ply;
  t.role = role;
  t.player = player;
  t.attempt = attempt;
  t.state = state;
  return t;
}

// Replaces every secret value by [SECRET] in the text fields of a turn before it is recorded.
class SecretMask {
 public:
  void add(const std::map<std::string, std::string>& secrets) {
    for (const auto& [name, value] : secrets)
      if (!value.empty()) values_.insert(value);
  }
  std::string operator()(std::string text) const {
    for (const auto& v : values_) text = games::redact(std::move(text), v, "[SECRET]");
    return text;
  }
  TurnRecord operator()(TurnRecord t) const {
    if (values_.empty()) return t;
    for (std::string* field : {&t.prompt, &t.raw_output, &t.reasoning, &t.parsed_move, &t.reason, &t.state, &t.error})
      *field = (*this)(std::move(*field));
    return t;
  }

 private:
  std::set<std::string> values_;
};

}  // namespace

std::vector<ChatMessage> move_prompt(const std::string& game, const std::string& role, const std::string& observation) {
  return {{"system", fmt::format("You are playing {} as {}. Think as much as you like, then give exactly one move "
                                 "in the format the game asks for.",
                                 game, role)},
          {"user", observation}};
}

MatchRunner::MatchRunner(Store& store, const MatchRules& rules, std::string tournament, std::int64_t run_id,
                         const Referee* referee)
    : store_(store), rules_(rules), tournament_(std::move(tournament)), run_id_(run_id), referee_(referee) {}

std::optional<MatchRecord> MatchRunner::play(const ScheduledMatch& match, std::vector<SeatPlayer>& seats,
                                             const std::atomic<bool>* stop, const RefereeSetup& setup, int replay) {
  auto game = games::make_game(match.game->game, match.game->options, match.seed);
  const auto roles = game->roles();
  if (roles.size() != seats.size())
    throw games::GameConfigError(fmt::format("{}: game has {} roles but the match has {} players", match.id,
                                             roles.size(), seats.size()));
  store_.begin_match(match.id);
  MatchRecord record;
  record.id = match.id;
  record.tournament = tournament_;
  record.game = match.game->name;
  record.round = match.round;
  record.seed = match.seed;
  record.players = match.seats;
  record.roles = roles;
  record.run_id = run_id_;
  record.started_at = utc_now();

  std::vector<int> invalid(seats.size(), 0);
  std::vector<double> time_s(seats.size(), 0.0);
  int turn_index = 0, ply = 0;
  std::optional<std::pair<int, std::string>> forfeit;  // seat, reason
  std::optional<std::string> error;                     // the referee failed
  SecretMask mask;
  // Conversational games: each model seat's conversation so far.
  std::vector<std::vector<ChatMessage>> conversations(seats.size());

  while (!game->outcome().finished && !forfeit && !error) {
    if (stop && stop->load()) return std::nullopt;
    if (turn_index >= rules_.max_turns) break;
    if (auto check = game->pending_check()) {
      mask.add(check->secrets);
      TurnRecord turn = make_turn(match.id, turn_index++, ply, "referee", "referee", 1, game->state());
      turn.prompt = dump_json({{"check", check->kind}, {"input", check->input}});
      turn.parsed_move = check->kind;
      try {
        if (!referee_) throw RefereeError(check->kind + ": this tournament has no referee");
        auto answer = referee_->answer(*check, setup, replay);
        turn.raw_output = dump_json({{"result", answer.result}, {"details", answer.details}});
        turn.usage = answer.usage;
        turn.latency_s = answer.latency_s;
        auto legality = game->resolve_check(answer.result);
        if (!legality.legal)
          throw std::logic_error(fmt::format("{}: the game rejected the referee's {} result: {}", match.id, check->kind,
                                             legality.reason));
        turn.legal = true;
      } catch (const RefereeError& e) {
        turn.error = e.what();
        turn.reason = "the referee failed";
        error = e.what();
      }
      store_.put_turn(mask(std::move(turn)));
      continue;
    }
    const int seat = game->to_move();
    if (seat < 0 || seat >= static_cast<int>(seats.size()))
      throw std::logic_error(fmt::format("{}: game reports seat {} to move", match.id, seat));
    SeatPlayer& player = seats[seat];
    const std::string state = game->state();

    if (player.bot) {
      TurnRecord turn = make_turn(match.id, turn_index++, ply, roles[seat], player.name, 1, state);
      auto start = std::chrono::steady_clock::now();
      try {
        turn.raw_output = player.bot->choose_move(*game);
        turn.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        auto legality = game->apply(turn.raw_output);
        turn.parsed_move = turn.raw_output;
        turn.legal = legality.legal;
        turn.reason = legality.reason;
        if (!legality.legal) forfeit = {seat, "bot played an illegal move: " + legality.reason};
      } catch (const std::exception& e) {
        turn.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        turn.error = e.what();
        forfeit = {seat, std::string("bot failed: ") + e.what()};
      }
      time_s[seat] += turn.latency_s;
      const bool legal = turn.legal;
      store_.put_turn(mask(std::move(turn)));
      if (legal) ++ply;
      continue;
    }

    // Model player: re-prompt with the reason until a legal move or the budget runs out. In a
    // conversational game the turn continues the seat's conversation; otherwise it starts afresh.
    std::vector<ChatMessage> fresh;
    std::vector<ChatMessage>& messages = game->conversational() ? conversations[seat] : fresh;
    if (game->conversational()) {
      if (messages.empty()) messages.push_back(move_prompt(match.game->game, roles[seat], "").front());
      messages.push_back({"user", game->conversation_message(seat)});
    } else {
      messages = move_prompt(match.game->game, roles[seat], game->observation(seat));
    }
    for (int attempt = 1;; ++attempt) {
      if (stop && stop->load()) return std::nullopt;
      ChatRequest request;
      request.params = player.model->params;
      if (player.model->sends_messages()) request.messages = messages;
      else request.prompt = messages_as_prompt(messages);
      auto result = player.client->submit(request).get();
      if (result.cancelled()) return std::nullopt;  // interrupted while it waited: replayed by a later run

      TurnRecord turn = make_turn(match.id, turn_index++, ply, roles[seat], player.name, attempt, state);
      turn.prompt = dump_json(messages_to_json(messages));
      turn.latency_s = result.latency_s;
      turn.usage = result.usage;
      turn.error = result.error;
      time_s[seat] += result.latency_s;
      std::string reason;
      if (result.failure == Failure::kContext) {
        reason = "the prompt no longer fits the model's context: " + result.error;
      } else if (!result.ok() || result.choices.empty()) {
        reason = "the model request failed: " + (result.error.empty() ? "no choices" : result.error);
      } else {
        turn.raw_output = result.choices.front().text;
        turn.reasoning = result.choices.front().reasoning;
        if (!result.choices.front().routing.is_null()) turn.routing_json = result.choices.front().routing.dump();
        if (!result.choices.front().budget.is_null()) turn.budget_json = result.choices.front().budget.dump();
        if (result.latency_s > rules_.move_timeout_s) {
          reason = fmt::format("the answer took {:.0f} s, over the {:.0f} s move time limit", result.latency_s,
                               rules_.move_timeout_s);
        } else if (auto move = game->parse_move(turn.raw_output, &reason)) {
          turn.parsed_move = *move;
          auto legality = game->apply(*move);
          turn.legal = legality.legal;
          reason = legality.reason;
        } else if (result.choices.front().finish_reason == "context") {
          reason = "the answer was cut off at the end of the model's context (finish_reason context): " + reason;
        }
      }
      turn.reason = turn.legal ? "" : reason;
      const bool legal = turn.legal;
      const std::string raw = turn.raw_output;
      store_.put_turn(mask(std::move(turn)));
      if (legal) {
        ++ply;
        if (game->conversational()) messages.push_back({"assistant", raw});
        break;
      }
      ++invalid[seat];
      if (attempt >= rules_.max_attempts_per_turn) {
        forfeit = {seat, fmt::format("{} invalid attempts in one turn (last: {})", attempt, reason)};
        break;
      }
      if (invalid[seat] >= rules_.max_attempts_per_game) {
        forfeit = {seat, fmt::format("{} invalid attempts in the match (last: {})", invalid[seat], reason)};
        break;
      }
      messages.push_back({"assistant", raw});
      messages.push_back({"user", fmt::format("That move was not accepted: {}\n\nReply with one legal move.", reason)});
    }
  }

  nlohmann::json result;
  auto outcome = game->outcome();
  if (error) {
    record.status = "error";
    record.scores.assign(seats.size(), 0.0);
    result["reason"] = mask("the referee failed: " + *error);
    result["error"] = mask(*error);
    result["forfeit"] = nullptr;
  } else if (forfeit) {
    record.status = "forfeit";
    record.scores.assign(seats.size(), 1.0);
    record.scores[forfeit->first] = 0.0;
    result["reason"] = fmt::format("{} forfeits: {}", seats[forfeit->first].name, forfeit->second);
    result["forfeit"] = {{"seat", forfeit->first}, {"player", seats[forfeit->first].name}, {"reason", forfeit->second}};
  } else if (!outcome.finished) {
    record.status = "finished";
    record.scores.assign(seats.size(), seats.size() == 2 ? 0.5 : 0.0);
    result["reason"] = fmt::format("turn limit ({}) reached: adjudicated as a draw", rules_.max_turns);
    result["forfeit"] = nullptr;
  } else {
    record.status = "finished";
    record.scores = outcome.scores;
    result["reason"] = outcome.reason;
    result["forfeit"] = nullptr;
  }
  result["plies"] = ply;
  result["turns"] = turn_index;
  result["invalid_attempts"] = invalid;
  result["time_s"] = time_s;
  result["final_state"] = mask(game->state());
  if (replay > 0 || error) result["replay"] = replay;  // the next run replays an error as replay + 1
  record.result_json = dump_json(result);
  store_.finish_match(record);
  return record;
}

}  // namespace gauntlet::harness
