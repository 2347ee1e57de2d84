#include "games/liars_dice_game.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "games/game_factories.h"
#include "games/game_options.h"
#include "games/split_mix64.h"

namespace gauntlet::games {
namespace {

// Lowercase words, split at letter/digit boundaries: "4x5s" -> "4", "x", "5", "s".
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string w;
  for (char raw : text) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
    bool alnum = std::isalnum(static_cast<unsigned char>(c));
    bool boundary = !w.empty() && alnum &&
                    std::isdigit(static_cast<unsigned char>(c)) != std::isdigit(static_cast<unsigned char>(w.back()));
    if (!alnum || boundary) {
      if (!w.empty()) words.push_back(w);
      w.clear();
    }
    if (alnum) w += c;
  }
  if (!w.empty()) words.push_back(w);
  return words;
}

// "3", "three", "threes" -> 3.
std::optional<int> number_of(const std::string& w) {
  if (!w.empty() && w.size() <= 6 && std::all_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::stoi(w);
  static const char* kWords[] = {"zero", "one",    "two",    "three",    "four",     "five",    "six",
                                 "seven", "eight", "nine",   "ten",      "eleven",   "twelve",  "thirteen",
                                 "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
  for (int i = 0; i <= 20; ++i) {
    std::string word = kWords[i];
    if (w == word || w == word + "s" || w == word + "es" || (word == "six" && w == "sixes")) return i;
  }
  return std::nullopt;
}

// The first two numbers among words[from..] (skipping filler like "x", "of", "s"), as a bid.
std::optional<LiarsDiceGame::Bid> bid_numbers(const std::vector<std::string>& w, std::size_t from) {
  std::vector<int> n;
  for (std::size_t i = from; i < w.size() && i < from + 6 && n.size() < 2; ++i) {
    if (auto v = number_of(w[i])) n.push_back(*v);
    else if (!(w[i] == "x" || w[i] == "of" || w[i] == "s" || w[i] == "times" || w[i] == "a" || w[i] == "dice" ||
               w[i] == "die" || w[i] == "showing" || w[i] == "with" || w[i] == "face" || w[i] == "faces"))
      break;
  }
  if (n.size() < 2) return std::nullopt;
  return LiarsDiceGame::Bid{n[0], n[1]};
}

}  // namespace

LiarsDiceOptions LiarsDiceOptions::from_json(const nlohmann::json& options) {
  static const std::set<std::string> kKeys = {"players", "dice", "faces", "ones_wild", "mode"};
  for (const auto& [key, value] : options.items())
    if (!kKeys.count(key))
      throw GameConfigError(fmt::format("liars_dice: unknown option '{}' (valid: players, dice, faces, ones_wild, mode)", key));
  LiarsDiceOptions o;
  o.players = int_option(options, "liars_dice", "players", o.players, 2, 8);
  o.dice = int_option(options, "liars_dice", "dice", o.dice, 1, 20);
  o.faces = int_option(options, "liars_dice", "faces", o.faces, 2, 20);
  if (options.contains("ones_wild")) {
    if (!options.at("ones_wild").is_boolean()) throw GameConfigError("liars_dice: option 'ones_wild' must be true or false");
    o.ones_wild = options.at("ones_wild").get<bool>();
  }
  if (options.contains("mode")) {
    const auto& m = options.at("mode");
    if (!m.is_string() || (m != "multi_round" && m != "single_round"))
      throw GameConfigError("liars_dice: option 'mode' must be \"multi_round\" or \"single_round\"");
    o.single_round = m == "single_round";
  }
  return o;
}

LiarsDiceGame::LiarsDiceGame(const LiarsDiceOptions& options, std::uint64_t seed)
    : options_(options), seed_(seed), dice_(static_cast<std::size_t>(options.players), std::vector<int>(static_cast<std::size_t>(options.dice))) {
  roll();
}

std::vector<std::string> LiarsDiceGame::roles() const {
  std::vector<std::string> r;
  for (int i = 0; i < options_.players; ++i) r.push_back(role(i));
  return r;
}

int LiarsDiceGame::total_dice() const {
  int n = 0;
  for (const auto& d : dice_) n += static_cast<int>(d.size());
  return n;
}

int LiarsDiceGame::next_with_dice(int seat) const {
  for (int k = 1; k <= options_.players; ++k) {
    int s = (seat + k) % options_.players;
    if (!dice_[s].empty()) return s;
  }
  return seat;
}

void LiarsDiceGame::roll() {
  ++round_;
  SplitMix64 rng(seed_ ^ (0xd1b54a32d192ed03ULL * static_cast<std::uint64_t>(round_)));
  for (auto& hand : dice_) {
    for (int& d : hand) d = 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(options_.faces)));
    std::sort(hand.begin(), hand.end());
  }
  bid_ = {};
  bidder_ = -1;
  history_.clear();
}

bool LiarsDiceGame::outbids(const Bid& next, const Bid& current) {
  return next.quantity > current.quantity || (next.quantity == current.quantity && next.face > current.face);
}

int LiarsDiceGame::count_matching(int face) const {
  int n = 0;
  for (const auto& hand : dice_)
    for (int d : hand) n += counts_for(d, face);
  return n;
}

std::optional<std::string> LiarsDiceGame::check_bid(const Bid& b, std::string* reason) const {
  auto fail = [&](std::string why) -> std::optional<std::string> {
    if (reason) *reason = std::move(why);
    return std::nullopt;
  };
  if (b.face < 1 || b.face > options_.faces) return fail(fmt::format("the face must be 1 to {}", options_.faces));
  if (b.quantity < 1) return fail("the quantity must be at least 1");
  if (b.quantity > total_dice()) return fail(fmt::format("there are only {} dice in play", total_dice()));
  if (bid_.quantity > 0 && !outbids(b, bid_))
    return fail(fmt::format("{} does not raise the bid {}: raise the quantity (any face) or keep quantity {} and raise the face",
                            format_bid(b), format_bid(bid_), bid_.quantity));
  return format_bid(b);
}

std::optional<std::string> LiarsDiceGame::parse_move(const std::string& text, std::string* reason) const {
  auto fail = [&](std::string why) -> std::optional<std::string> {
    if (reason) *reason = std::move(why);
    return std::nullopt;
  };
  if (finished_) return fail("the game is over");
  enum Kind { None, Call, BidMove };
  struct Found {
    Kind kind = None;
    Bid bid;
    bool complete = true;
  };
  auto call_word = [](const std::string& w) { return w == "call" || w == "liar" || w == "challenge" || w == "calls"; };
  // Bracketed moves first ("[Bid] 3 5", "[bid: 3 5]", "[Call]"); the last one counts.
  Found last;
  for (std::size_t open = text.find('['); open != std::string::npos; open = text.find('[', open + 1)) {
    std::size_t close = text.find(']', open);
    if (close == std::string::npos) break;
    auto inner = words_of(std::string_view(text).substr(open + 1, close - open - 1));
    if (inner.empty()) continue;
    if (inner[0] == "bid") {
      auto b = bid_numbers(inner, 1);
      if (!b) b = bid_numbers(words_of(std::string_view(text).substr(close + 1)), 0);
      last = b ? Found{BidMove, *b, true} : Found{BidMove, {}, false};
    } else if (call_word(inner[0]) && inner.size() <= 2) {
      last = {Call, {}, true};
    }
  }
  // Otherwise plain words ("I bid three fives", "I call"): they must agree.
  if (last.kind == None) {
    auto w = words_of(text);
    std::set<std::pair<int, int>> bids;
    bool call = false;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (call_word(w[i])) call = true;
      if (w[i] == "bid" || w[i] == "bids")
        if (auto b = bid_numbers(w, i + 1)) bids.insert({b->quantity, b->face});
    }
    if (bids.size() + call > 1) return fail("several different moves found; answer with exactly one: [Bid] q f or [Call]");
    if (call) last = {Call, {}, true};
    else if (bids.size() == 1) last = {BidMove, {bids.begin()->first, bids.begin()->second}, true};
  }
  if (last.kind == None) return fail("no move found: answer [Bid] q f (q dice showing face f) or [Call]");
  if (last.kind == Call) {
    if (bid_.quantity == 0) return fail("there is no bid to call yet: open with [Bid] q f");
    return "[Call]";
  }
  if (!last.complete) return fail("a bid needs a quantity and a face: [Bid] q f, e.g. [Bid] 3 5");
  return check_bid(last.bid, reason);
}

Legality LiarsDiceGame::apply(const std::string& move) {
  std::string reason;
  auto m = parse_move(move, &reason);
  if (!m) return {false, reason};
  const int seat = to_move_;
  if (*m != "[Call]") {
    auto w = words_of(*m);
    bid_ = {std::stoi(w[1]), std::stoi(w[2])};
    bidder_ = seat;
    history_.push_back(fmt::format("{}: {}", role(seat), *m));
    to_move_ = next_with_dice(seat);
    return {true, ""};
  }
  const int count = count_matching(bid_.face);
  const bool bid_holds = count >= bid_.quantity;
  const int loser = bid_holds ? seat : bidder_;
  std::string reveal;
  for (int i = 0; i < options_.players; ++i) {
    if (dice_[i].empty()) continue;
    std::string hand;
    for (int d : dice_[i]) hand += (hand.empty() ? "" : " ") + std::to_string(d);
    reveal += fmt::format("{}{}: {}", reveal.empty() ? "" : "; ", role(i), hand);
  }
  history_.push_back(fmt::format("{}: [Call]", role(seat)));
  std::string summary = fmt::format("round {}: {} called {} by {}; dice were {}; {} counted {} -> {} loses{}", round_, role(seat),
                                    format_bid(bid_), role(bidder_), reveal, bid_.face, count, role(loser),
                                    options_.single_round ? " the game" : " a die");
  past_rounds_.push_back(summary);
  if (options_.single_round) {
    finished_ = true;
    scores_.assign(static_cast<std::size_t>(options_.players), 1.0);
    scores_[loser] = 0.0;
    end_reason_ = bid_holds ? "the bid held against the call" : "the called bid was false";
    to_move_ = -1;
    return {true, ""};
  }
  dice_[loser].pop_back();
  if (dice_[loser].empty()) out_order_.push_back(loser);
  int alive = 0, last_alive = -1;
  for (int i = 0; i < options_.players; ++i)
    if (!dice_[i].empty()) ++alive, last_alive = i;
  if (alive == 1) {
    finished_ = true;
    scores_.assign(static_cast<std::size_t>(options_.players), 0.0);
    for (std::size_t k = 0; k < out_order_.size(); ++k) scores_[out_order_[k]] = static_cast<double>(k);
    scores_[last_alive] = options_.players - 1;
    end_reason_ = "last player with dice";
    to_move_ = -1;
    return {true, ""};
  }
  roll();
  to_move_ = dice_[loser].empty() ? next_with_dice(loser) : loser;
  return {true, ""};
}

std::vector<std::string> LiarsDiceGame::legal_moves() const {
  std::vector<std::string> moves;
  if (finished_) return moves;
  if (bid_.quantity > 0) moves.push_back("[Call]");
  for (int q = std::max(1, bid_.quantity); q <= total_dice(); ++q)
    for (int f = 1; f <= options_.faces; ++f)
      if (bid_.quantity == 0 || outbids({q, f}, bid_)) moves.push_back(format_bid({q, f}));
  return moves;
}

Outcome LiarsDiceGame::outcome() const {
  Outcome o;
  o.finished = finished_;
  o.scores = finished_ ? scores_ : std::vector<double>(static_cast<std::size_t>(options_.players), 0.0);
  o.reason = end_reason_;
  return o;
}

std::string LiarsDiceGame::observation(int seat) const {
  const auto& o = options_;
  std::string out = fmt::format(
      "Liar's dice: {} players, {} dice each at the start, faces 1 to {}{}. You are {}.\n"
      "Players take turns bidding on how many dice among ALL players' dice show a face. A new bid must "
      "raise the quantity (any face) or keep the quantity and raise the face. Instead of bidding you may "
      "call the last bid: all dice are revealed; if fewer dice than the quantity show the face{}, the bidder "
      "loses, otherwise the caller loses. {}\n",
      o.players, o.dice, o.faces, o.ones_wild ? ", ones are wild" : "", role(seat),
      o.ones_wild ? " (ones count as any other face)" : "",
      o.single_round ? "One call decides the game." :
                       "The loser of a call loses one die and starts the next round; the last player with dice wins.");
  if (finished_) {
    out += "The game is over: " + end_reason_ + ".\n";
  } else {
    out += fmt::format("Round {}. Your dice: ", round_);
    for (std::size_t i = 0; i < dice_[seat].size(); ++i) out += (i ? " " : "") + std::to_string(dice_[seat][i]);
    if (dice_[seat].empty()) out += "none (you are out)";
    out += "\nDice in play:";
    for (int i = 0; i < o.players; ++i) out += fmt::format(" {}{} {}{}", role(i), i == seat ? " (you)" : "", dice_[i].size(), i + 1 < o.players ? "," : "");
    out += fmt::format("; total {}.\n", total_dice());
    out += bid_.quantity ? fmt::format("Current bid: {} by {} ({} dice showing {}).\n", format_bid(bid_), role(bidder_), bid_.quantity, bid_.face)
                         : "No bid yet this round.\n";
    if (!history_.empty()) {
      out += "Moves this round:";
      for (const auto& h : history_) out += " " + h + ";";
      out += "\n";
    }
  }
  if (!past_rounds_.empty()) {
    out += "Earlier rounds:\n";
    for (const auto& r : past_rounds_) out += "  " + r + "\n";
  }
  if (!finished_ && to_move_ == seat) {
    if (bid_.quantity == 0)
      out += fmt::format("Your move: open with [Bid] q f (1 <= q <= {}, 1 <= f <= {}).\n", total_dice(), o.faces);
    else
      out += fmt::format("Your move: [Bid] q f with q > {} (any face) or q = {} and f > {} (q at most {}), or [Call].\n",
                         bid_.quantity, bid_.quantity, bid_.face, total_dice());
    out += "Answer with exactly one move, e.g. [Bid] 3 4 or [Call].\n";
  }
  return out;
}

std::string LiarsDiceGame::state() const {
  nlohmann::json j;
  j["round"] = round_;
  j["dice"] = dice_;
  j["bid"] = {{"quantity", bid_.quantity}, {"face", bid_.face}, {"by", bidder_}};
  j["to_move"] = to_move();
  j["history"] = history_;
  j["past_rounds"] = past_rounds_;
  j["finished"] = finished_;
  return j.dump();
}

std::unique_ptr<Game> make_liars_dice_game(const nlohmann::json& options, std::uint64_t seed) {
  return std::make_unique<LiarsDiceGame>(LiarsDiceOptions::from_json(options), seed);
}

}  // namespace gauntlet::games
