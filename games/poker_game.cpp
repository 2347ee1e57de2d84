#include "games/poker_game.h"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "games/game_factories.h"
#include "games/game_options.h"
#include "games/split_mix64.h"

namespace gauntlet::games {
namespace {

const char* street_name(PokerGame::Street s) {
  static constexpr const char* kNames[] = {"preflop", "flop", "turn", "river"};
  return kNames[s];
}

// Words of lowercased text; "1,000" is one word "1000"; "all-in" becomes "allin".
std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::string w;
  auto flush = [&] {
    if (!w.empty()) words.push_back(w);
    w.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    bool digit_comma = c == ',' && !w.empty() && std::isdigit(static_cast<unsigned char>(w.back())) &&
                       i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]));
    if (digit_comma) continue;
    if (std::isalnum(static_cast<unsigned char>(c))) {
      w += c;
    } else {
      flush();
    }
  }
  flush();
  for (std::size_t i = 0; i + 1 < words.size(); ++i)
    if ((words[i] == "all" || words[i] == "go" || words[i] == "going") && words[i + 1] == "in") words[i] = "allin";
  return words;
}

bool is_number(const std::string& w) {
  return !w.empty() && w.size() <= 9 && std::all_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool word_in(const std::string& w, std::initializer_list<const char*> list) {
  return std::any_of(list.begin(), list.end(), [&](const char* s) { return w == s; });
}

}  // namespace

PokerOptions PokerOptions::from_json(const nlohmann::json& options) {
  static const std::set<std::string> kKeys = {"players", "stack", "stacks", "small_blind", "big_blind", "hands", "deck"};
  for (const auto& [key, value] : options.items())
    if (!kKeys.count(key))
      throw GameConfigError(fmt::format(
          "poker: unknown option '{}' (valid: players, stack, stacks, small_blind, big_blind, hands, deck)", key));
  PokerOptions o;
  if (options.contains("stacks")) {
    const auto& s = options.at("stacks");
    if (!s.is_array()) throw GameConfigError("poker: option 'stacks' must be a list of chip counts");
    for (const auto& v : s) {
      if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > 1'000'000'000)
        throw GameConfigError("poker: option 'stacks' must hold integers in 1..1000000000");
      o.stacks.push_back(v.get<int>());
    }
    o.players = static_cast<int>(o.stacks.size());
  }
  o.players = int_option(options, "poker", "players", o.players, 2, 10);
  if (!o.stacks.empty() && static_cast<int>(o.stacks.size()) != o.players)
    throw GameConfigError(fmt::format("poker: option 'stacks' has {} entries for {} players", o.stacks.size(), o.players));
  o.stack = int_option(options, "poker", "stack", o.stack, 1, 100'000'000);
  o.small_blind = int_option(options, "poker", "small_blind", o.small_blind, 1, 10'000'000);
  o.big_blind = int_option(options, "poker", "big_blind", std::max(o.big_blind, o.small_blind), 1, 10'000'000);
  if (o.big_blind < o.small_blind) throw GameConfigError("poker: option 'big_blind' must be at least 'small_blind'");
  o.hands = int_option(options, "poker", "hands", o.hands, 1, 1'000'000);
  if (options.contains("deck")) {
    if (!options.at("deck").is_string()) throw GameConfigError("poker: option 'deck' must be a string of cards");
    try {
      o.first_deck = parse_cards(options.at("deck").get<std::string>());
    } catch (const CardParseError& e) {
      throw GameConfigError(std::string("poker: option 'deck': ") + e.what());
    }
  }
  return o;
}

PokerGame::PokerGame(const PokerOptions& options, std::uint64_t seed)
    : seats_(static_cast<std::size_t>(options.players)),
      small_blind_(options.small_blind),
      big_blind_(options.big_blind),
      hands_(options.hands),
      seed_(seed),
      first_deck_(options.first_deck) {
  for (int i = 0; i < players(); ++i)
    seats_[i].stack = options.stacks.empty() ? options.stack : options.stacks[static_cast<std::size_t>(i)];
  start_hand();
}

std::vector<std::string> PokerGame::roles() const {
  std::vector<std::string> r;
  for (int i = 0; i < players(); ++i) r.push_back(role(i));
  return r;
}

int PokerGame::next_seat(int seat) const {
  for (int k = 1; k <= players(); ++k) {
    int s = (seat + k) % players();
    if (seats_[s].dealt) return s;
  }
  return seat;
}

std::vector<Card> PokerGame::board() const {
  int base = 2 * players();
  return {deck_.begin() + base, deck_.begin() + base + board_count_};
}

int PokerGame::pot() const {
  return std::accumulate(seats_.begin(), seats_.end(), 0, [](int a, const Seat& s) { return a + s.hand_total; });
}

int PokerGame::total_chips() const {
  return std::accumulate(seats_.begin(), seats_.end(), 0, [](int a, const Seat& s) { return a + s.stack + s.hand_total; });
}

std::vector<PokerGame::Pot> PokerGame::pots() const {
  std::set<int> levels;
  for (const auto& s : seats_)
    if (s.hand_total > 0) levels.insert(s.hand_total);
  std::vector<Pot> out;
  int prev = 0;
  for (int level : levels) {
    Pot p;
    for (int i = 0; i < players(); ++i) {
      p.amount += std::min(seats_[i].hand_total, level) - std::min(seats_[i].hand_total, prev);
      if (live(i) && seats_[i].hand_total >= level) p.eligible.push_back(i);
    }
    prev = level;
    if (!out.empty() && (p.eligible.empty() || p.eligible == out.back().eligible)) {
      out.back().amount += p.amount;
    } else {
      if (p.eligible.empty())
        for (int i = 0; i < players(); ++i)
          if (live(i)) p.eligible.push_back(i);
      out.push_back(p);
    }
  }
  return out;
}

int PokerGame::to_call() const {
  if (to_move_ < 0) return 0;
  const Seat& s = seats_[to_move_];
  return std::min(current_bet_ - s.street_bet, s.stack);
}

bool PokerGame::can_raise() const {
  if (finished_ || to_move_ < 0) return false;
  const Seat& s = seats_[to_move_];
  if (s.stack <= current_bet_ - s.street_bet) return false;
  return !s.acted || current_bet_ - s.acted_level >= min_raise_;
}

int PokerGame::max_raise_to() const {
  if (to_move_ < 0) return 0;
  return seats_[to_move_].street_bet + seats_[to_move_].stack;
}

int PokerGame::min_raise_to() const {
  int lo = current_bet_ == 0 ? big_blind_ : current_bet_ + min_raise_;
  return std::min(lo, max_raise_to());
}

void PokerGame::start_hand() {
  ++hand_number_;
  history_.clear();
  board_count_ = 0;
  street_ = Preflop;

  // Deck: the given first cards (hand 1 only), then the rest shuffled from (seed, hand).
  std::vector<Card> fixed = hand_number_ == 1 ? first_deck_ : std::vector<Card>{};
  std::uint64_t used = 0;
  for (Card c : fixed) used |= card_bit(c);
  std::vector<Card> rest;
  for (Card c = 0; c < 52; ++c)
    if (!(used & card_bit(c))) rest.push_back(c);
  SplitMix64 rng(seed_ ^ (0xd1b54a32d192ed03ULL * static_cast<std::uint64_t>(hand_number_)));
  for (std::size_t i = rest.size(); i > 1; --i) std::swap(rest[i - 1], rest[rng.below(i)]);
  deck_ = fixed;
  deck_.insert(deck_.end(), rest.begin(), rest.end());

  for (int i = 0; i < players(); ++i) {
    Seat& s = seats_[i];
    s.dealt = s.stack > 0;
    s.folded = false;
    s.street_bet = s.hand_total = 0;
    s.needs_action = s.acted = false;
    s.acted_level = 0;
    s.hole = {deck_[2 * i], deck_[2 * i + 1]};
  }
  if (hand_number_ > 1) button_ = next_seat(button_);
  int dealt = static_cast<int>(std::count_if(seats_.begin(), seats_.end(), [](const Seat& s) { return s.dealt; }));
  int sb = dealt == 2 ? button_ : next_seat(button_);
  int bb = next_seat(sb);
  history_.push_back(fmt::format("hand {}: {} has the button", hand_number_, role(button_)));
  current_bet_ = 0;
  min_raise_ = big_blind_;
  post(sb, small_blind_, "small blind");
  post(bb, big_blind_, "big blind");
  current_bet_ = std::max(seats_[sb].street_bet, seats_[bb].street_bet);
  for (int i = 0; i < players(); ++i) seats_[i].needs_action = can_act(i);
  advance(next_seat(bb));
}

void PokerGame::post(int seat, int amount, const char* what) {
  int paid = std::min(amount, seats_[seat].stack);
  commit(seat, paid);
  history_.push_back(fmt::format("{} posts {} {}{}", role(seat), what, paid, seats_[seat].stack == 0 ? " (all-in)" : ""));
}

void PokerGame::commit(int seat, int amount) {
  Seat& s = seats_[seat];
  s.stack -= amount;
  s.street_bet += amount;
  s.hand_total += amount;
}

void PokerGame::advance(int from) {
  int live_count = 0, active = 0;
  for (int i = 0; i < players(); ++i) {
    live_count += live(i);
    active += can_act(i);
  }
  if (live_count <= 1) return finish_hand();
  for (int k = 0; k < players(); ++k) {
    int s = (from + k) % players();
    Seat& seat = seats_[s];
    if (!seat.needs_action) continue;
    // Alone with chips and nothing to call: no one is left to bet against.
    if (active == 1 && seat.street_bet >= current_bet_) {
      seat.needs_action = false;
      continue;
    }
    to_move_ = s;
    return;
  }
  if (street_ == River || active <= 1) {
    board_count_ = 5;
    return finish_hand();
  }
  start_street(static_cast<Street>(street_ + 1));
}

void PokerGame::start_street(Street street) {
  street_ = street;
  board_count_ = street == Flop ? 3 : street == Turn ? 4 : 5;
  for (int i = 0; i < players(); ++i) {
    Seat& s = seats_[i];
    s.street_bet = 0;
    s.acted = false;
    s.acted_level = 0;
    s.needs_action = can_act(i);
  }
  current_bet_ = 0;
  min_raise_ = big_blind_;
  history_.push_back(fmt::format("{}: {}", street_name(street), cards_name(board())));
  advance(next_seat(button_));
}

void PokerGame::award(const std::vector<int>& winners, int amount) {
  // Odd chips go one each to the winners nearest the left of the button.
  std::vector<int> order = winners;
  auto distance = [&](int s) { return (s - button_ - 1 + players()) % players(); };
  std::sort(order.begin(), order.end(), [&](int a, int b) { return distance(a) < distance(b); });
  int k = static_cast<int>(order.size());
  for (int i = 0; i < k; ++i) seats_[order[i]].stack += amount / k + (i < amount % k ? 1 : 0);
}

void PokerGame::finish_hand() {
  std::vector<int> live_seats;
  for (int i = 0; i < players(); ++i)
    if (live(i)) live_seats.push_back(i);
  std::vector<std::string> results;
  if (live_seats.size() == 1) {
    int total = pot();
    award(live_seats, total);
    results.push_back(fmt::format("{} wins {} uncontested", role(live_seats[0]), total));
  } else {
    board_count_ = 5;
    std::vector<Card> cards = board();
    std::vector<std::uint32_t> strength(static_cast<std::size_t>(players()), 0);
    for (int s : live_seats) {
      std::uint64_t mask = 0;
      for (Card c : cards) mask |= card_bit(c);
      for (Card c : seats_[s].hole) mask |= card_bit(c);
      HandValue v = evaluate_mask(mask);
      strength[s] = v.strength;
      results.push_back(fmt::format("{} shows {} ({})", role(s), cards_name(seats_[s].hole), category_name(v.category)));
    }
    auto all_pots = pots();
    for (std::size_t p = 0; p < all_pots.size(); ++p) {
      const Pot& pot = all_pots[p];
      std::uint32_t best = 0;
      for (int s : pot.eligible) best = std::max(best, strength[s]);
      std::vector<int> winners;
      for (int s : pot.eligible)
        if (strength[s] == best) winners.push_back(s);
      award(winners, pot.amount);
      std::string names;
      for (int w : winners) names += (names.empty() ? "" : " and ") + role(w);
      results.push_back(fmt::format("{} {} {}", names, winners.size() > 1 ? "split" : "wins",
                                    all_pots.size() > 1 ? fmt::format("{} {}", p == 0 ? "main pot" : "side pot", pot.amount)
                                                        : fmt::format("pot {}", pot.amount)));
    }
  }
  for (auto& s : seats_) s.street_bet = s.hand_total = 0, s.needs_action = false;
  last_hand_ = history_;
  last_hand_.insert(last_hand_.end(), results.begin(), results.end());
  history_ = last_hand_;
  int with_chips = static_cast<int>(std::count_if(seats_.begin(), seats_.end(), [](const Seat& s) { return s.stack > 0; }));
  if (with_chips <= 1 || hand_number_ >= hands_) {
    finished_ = true;
    to_move_ = -1;
    end_reason_ = with_chips <= 1 ? "one player has all the chips" : fmt::format("{} hands played", hand_number_);
    return;
  }
  start_hand();
}

std::optional<std::string> PokerGame::resolve(const Action& a, std::string* reason) const {
  auto fail = [&](std::string why) -> std::optional<std::string> {
    if (reason) *reason = std::move(why);
    return std::nullopt;
  };
  const int call = to_call();
  const Seat& me = seats_[to_move_];
  switch (a.intent) {
    case Intent::Fold:
      if (call == 0) return fail("nothing to call: check instead of folding");
      return "fold";
    case Intent::Check:
      if (call > 0) return fail(fmt::format("cannot check: {} to call (call, raise or fold)", call));
      return "check";
    case Intent::Call:
      return call == 0 ? "check" : "call";
    case Intent::AllIn:
      if (me.stack <= call) return call == 0 ? "check" : "call";
      if (!can_raise()) return fail("the betting was not reopened (a short all-in is not a full raise): call or fold");
      return "all-in";
    case Intent::Wager:
      break;
  }
  if (a.amount < 0) return fail(current_bet_ == 0 ? "a bet needs an amount, e.g. \"bet 20\"" : "a raise needs an amount, e.g. \"raise 40\" (raise to 40)");
  if (me.stack <= call) return fail(fmt::format("you have {} chips: you can only call (all-in) or fold", me.stack));
  if (!can_raise()) return fail("the betting was not reopened (a short all-in is not a full raise): call or fold");
  long long target = a.relative ? static_cast<long long>(current_bet_) + a.amount : a.amount;
  const int all_in = max_raise_to();
  const char* verb = current_bet_ == 0 ? "bet" : "raise";
  if (target > all_in)
    return fail(fmt::format("you can put in at most {} this round (all-in); {} N means a total of N this round", all_in, verb));
  if (target == all_in) return "all-in";
  if (current_bet_ == 0) {
    if (target < big_blind_) return fail(fmt::format("the minimum bet is {} (the big blind)", big_blind_));
    return fmt::format("bet {}", target);
  }
  if (target <= current_bet_)
    return fail(fmt::format("raise N means raising TO a total of N this round; the bet is already {} (to match it, call)", current_bet_));
  if (target < current_bet_ + min_raise_)
    return fail(fmt::format("the minimum raise is to {} (a raise must add at least {})", current_bet_ + min_raise_, min_raise_));
  return fmt::format("raise {}", target);
}

std::optional<std::string> PokerGame::parse_move(const std::string& text, std::string* reason) const {
  if (finished_) {
    if (reason) *reason = "the match is over";
    return std::nullopt;
  }
  auto actions_in = [](const std::vector<std::string>& w) {
    std::vector<Action> out;
    for (std::size_t i = 0; i < w.size(); ++i) {
      const std::string& x = w[i];
      if (word_in(x, {"fold", "folds", "folding", "folded"})) out.push_back({Intent::Fold});
      else if (word_in(x, {"check", "checks", "checking", "checked"})) out.push_back({Intent::Check});
      else if (word_in(x, {"call", "calls", "calling", "called"})) out.push_back({Intent::Call});
      else if (word_in(x, {"allin", "shove", "shoves", "jam", "jams"})) out.push_back({Intent::AllIn});
      else if (word_in(x, {"bet", "bets", "betting", "raise", "raises", "raising", "reraise", "re"})) {
        if (x == "re" && (i + 1 >= w.size() || w[i + 1] != "raise")) continue;
        if (x == "re") ++i;
        Action a{Intent::Wager};
        for (std::size_t j = i + 1; j < w.size() && j <= i + 4; ++j) {
          if (is_number(w[j])) {
            a.amount = std::stoi(w[j]);
            break;
          }
          if (w[j] == "by") a.relative = true;
          if (word_in(w[j], {"fold", "check", "call", "bet", "raise", "allin"})) break;
        }
        out.push_back(a);
      }
    }
    // "raise the bet to 120": drop amount-less wagers when one with an amount is present.
    bool any_amount = std::any_of(out.begin(), out.end(), [](const Action& a) { return a.intent == Intent::Wager && a.amount >= 0; });
    if (any_amount)
      out.erase(std::remove_if(out.begin(), out.end(), [](const Action& a) { return a.intent == Intent::Wager && a.amount < 0; }), out.end());
    return out;
  };
  // Prefer the last non-empty line (the answer after any reasoning), then the whole text; the
  // actions found must agree.
  std::string last_line;
  {
    std::size_t end = text.find_last_not_of(" \t\r\n");
    if (end != std::string::npos) {
      std::size_t start = text.rfind('\n', end);
      last_line = text.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
    }
  }
  for (const std::string* part : std::array<const std::string*, 2>{&last_line, &text}) {
    auto actions = actions_in(words_of(*part));
    if (actions.empty()) continue;
    std::set<std::string> canon, reasons;
    for (const auto& a : actions) {
      std::string why;
      auto m = resolve(a, &why);
      m ? (void)canon.insert(*m) : (void)reasons.insert(why);
    }
    if (canon.size() + reasons.size() == 1) {
      if (canon.size() == 1) return *canon.begin();
      if (reason) *reason = *reasons.begin();
      return std::nullopt;
    }
    if (part == &text) {
      std::string list;
      for (const auto& c : canon) list += (list.empty() ? "" : ", ") + c;
      if (reason)
        *reason = fmt::format("several different actions found ({}{}); answer with exactly one", list,
                              reasons.empty() ? "" : list.empty() ? "illegal ones" : ", and illegal ones");
      return std::nullopt;
    }
  }
  if (reason) *reason = "no poker action found: answer fold, check, call, bet N, raise N (to a total of N) or all-in";
  return std::nullopt;
}

Legality PokerGame::apply(const std::string& move) {
  std::string reason;
  auto m = parse_move(move, &reason);
  if (!m) return {false, reason};
  const int seat = to_move_;
  Seat& me = seats_[seat];
  std::string line;
  if (*m == "fold") {
    me.folded = true;
    line = "folds";
  } else if (*m == "check") {
    line = "checks";
  } else if (*m == "call") {
    int amount = to_call();
    commit(seat, amount);
    line = fmt::format("calls {}", amount);
  } else {
    int target = *m == "all-in" ? max_raise_to() : std::stoi(m->substr(m->find(' ') + 1));
    if (target - current_bet_ >= min_raise_) min_raise_ = target - current_bet_;
    line = fmt::format("{} {}", current_bet_ == 0 ? "bets" : "raises to", target);
    commit(seat, target - me.street_bet);
    current_bet_ = target;
    for (int i = 0; i < players(); ++i)
      if (i != seat && can_act(i)) seats_[i].needs_action = true;
  }
  if (me.stack == 0 && !me.folded) line += " (all-in)";
  me.needs_action = false;
  me.acted = true;
  me.acted_level = current_bet_;
  history_.push_back(fmt::format("{} {}", role(seat), line));
  advance(seat + 1);
  return {true, ""};
}

std::vector<std::string> PokerGame::legal_moves() const {
  if (finished_) return {};
  std::vector<std::string> moves;
  const int call = to_call();
  if (call > 0) {
    moves = {"fold", "call"};
  } else {
    moves = {"check"};
  }
  if (!can_raise()) return moves;
  const char* verb = current_bet_ == 0 ? "bet" : "raise";
  const int all_in = max_raise_to();
  const int pot_after_call = pot() + call;
  std::set<int> sizes = {min_raise_to()};
  if (current_bet_ == 0) {
    sizes.insert(pot_after_call / 2);
    sizes.insert(pot_after_call);
  } else {
    sizes.insert(current_bet_ + pot_after_call / 2);
    sizes.insert(current_bet_ + pot_after_call);
  }
  for (int s : sizes)
    if (s >= min_raise_to() && s < all_in) moves.push_back(fmt::format("{} {}", verb, s));
  moves.push_back("all-in");
  return moves;
}

Outcome PokerGame::outcome() const {
  Outcome o;
  o.finished = finished_;
  for (const auto& s : seats_) o.scores.push_back(s.stack);
  o.reason = end_reason_;
  return o;
}

std::string PokerGame::observation(int role_index) const {
  std::string out = fmt::format(
      "No-limit Texas hold'em, {} players, hand {} of {}, blinds {}/{}. You are {}.\n"
      "Actions: fold, check, call, bet N, raise N, all-in. N is your total for this betting round "
      "(\"raise 120\" = raise to 120). A bet is at least the big blind; a raise adds at least the last "
      "bet or raise. The final chip counts decide the match.\n",
      players(), hand_number_, hands_, small_blind_, big_blind_, role(role_index));
  const Seat& me = seats_[role_index];
  if (me.dealt && !finished_) out += fmt::format("Your hole cards: {}\n", cards_name(me.hole));
  if (!finished_) {
    out += fmt::format("Board ({}): {}\n", street_name(street_), board_count_ ? cards_name(board()) : "none");
    auto ps = pots();
    out += fmt::format("Pot: {}", pot());
    if (ps.size() > 1)
      for (std::size_t p = 0; p < ps.size(); ++p) out += fmt::format("; {} {}", p == 0 ? "main" : "side", ps[p].amount);
    out += "\n";
  }
  out += "Players:\n";
  for (int i = 0; i < players(); ++i) {
    const Seat& s = seats_[i];
    std::string status = !s.dealt ? "out of chips" : s.folded ? "folded" : s.stack == 0 ? "all-in" : "in the hand";
    if (finished_) status = "";
    out += fmt::format("  {}{}{}: stack {}{}{}\n", role(i), i == role_index ? " (you)" : "", i == button_ ? " (button)" : "",
                       s.stack, finished_ ? "" : fmt::format(", bet this round {}, ", s.street_bet), status);
  }
  if (finished_) {
    out += "The match is over: " + end_reason_ + ".\n";
  } else if (to_move_ == role_index) {
    out += fmt::format("To call: {}.", to_call());
    if (can_raise())
      out += fmt::format(" {} from {} to {} (all-in).", current_bet_ == 0 ? "Bet" : "Raise to", min_raise_to(), max_raise_to());
    std::string legal;
    for (const auto& m : legal_moves()) legal += (legal.empty() ? "" : ", ") + m;
    out += fmt::format("\nLegal actions (amounts are examples; any in range is fine): {}\n", legal);
  } else {
    out += fmt::format("Waiting for {} to act.\n", role(to_move_));
  }
  out += "This hand:\n";
  for (const auto& h : history_) out += "  " + h + "\n";
  if (hand_number_ > 1 && !finished_) {
    out += "Previous hand:\n";
    for (const auto& h : last_hand_) out += "  " + h + "\n";
  }
  if (to_move_ == role_index && !finished_) out += "Answer with your action on the last line, e.g. \"call\" or \"raise 40\".\n";
  return out;
}

std::string PokerGame::state() const {
  nlohmann::json j;
  j["hand"] = hand_number_;
  j["hands"] = hands_;
  j["button"] = button_;
  j["street"] = street_name(street_);
  j["board"] = cards_name(board());
  j["to_move"] = to_move();
  j["current_bet"] = current_bet_;
  j["finished"] = finished_;
  for (int i = 0; i < players(); ++i) {
    const Seat& s = seats_[i];
    j["players"].push_back({{"stack", s.stack},
                            {"bet", s.street_bet},
                            {"committed", s.hand_total},
                            {"folded", s.folded},
                            {"dealt", s.dealt},
                            {"hole", s.dealt ? cards_name(s.hole) : ""}});
  }
  j["history"] = history_;
  return j.dump();
}

std::unique_ptr<Game> make_poker_game(const nlohmann::json& options, std::uint64_t seed) {
  return std::make_unique<PokerGame>(PokerOptions::from_json(options), seed);
}

}  // namespace gauntlet::games
