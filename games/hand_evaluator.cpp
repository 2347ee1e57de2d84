#include "games/hand_evaluator.h"

#include <array>
#include <bit>
#include <cctype>

#include <fmt/format.h>

namespace gauntlet::games {
namespace {

constexpr std::string_view kRanks = "23456789TJQKA";
constexpr std::string_view kSuits = "cdhs";
constexpr unsigned kRankMask = 0x1fff;

// Highest rank of a straight within a 13-bit rank set, or -1; the wheel A-2-3-4-5 counts as a five-high
// straight (rank 3).
constexpr std::array<std::int8_t, 8192> make_straight_table() {
  std::array<std::int8_t, 8192> table{};
  for (unsigned m = 0; m < 8192; ++m) {
    table[m] = -1;
    for (int high = 12; high >= 4; --high) {
      unsigned run = 0x1fu << (high - 4);
      if ((m & run) == run) {
        table[m] = static_cast<std::int8_t>(high);
        break;
      }
    }
    if (table[m] < 0 && (m & 0x100f) == 0x100f) table[m] = 3;
  }
  return table;
}
constexpr auto kStraightHigh = make_straight_table();

// The n highest ranks of a rank set.
inline unsigned keep_top(unsigned mask, int n) {
  while (std::popcount(mask) > n) mask &= mask - 1;
  return mask;
}
inline unsigned top_rank(unsigned mask) { return static_cast<unsigned>(std::bit_width(mask)) - 1; }

inline HandValue make_value(HandCategory c, std::uint32_t tiebreak) {
  return {c, (static_cast<std::uint32_t>(c) << 26) | tiebreak};
}

}  // namespace

HandValue evaluate_mask(std::uint64_t cards) {
  const unsigned s0 = cards & kRankMask, s1 = (cards >> 16) & kRankMask, s2 = (cards >> 32) & kRankMask,
                 s3 = (cards >> 48) & kRankMask;
  const unsigned any = s0 | s1 | s2 | s3;
  const unsigned two_plus = (s0 & s1) | (s0 & s2) | (s0 & s3) | (s1 & s2) | (s1 & s3) | (s2 & s3);
  const unsigned three_plus = (s0 & s1 & s2) | (s0 & s1 & s3) | (s0 & s2 & s3) | (s1 & s2 & s3);
  const unsigned four = s0 & s1 & s2 & s3;

  // With at most 7 cards a flush excludes quads and full houses, so it is checked first.
  for (unsigned suit : {s0, s1, s2, s3}) {
    if (std::popcount(suit) < 5) continue;
    int high = kStraightHigh[suit];
    if (high >= 0) return make_value(HandCategory::StraightFlush, static_cast<std::uint32_t>(high));
    return make_value(HandCategory::Flush, keep_top(suit, 5));
  }
  if (four) {
    unsigned q = top_rank(four);
    return make_value(HandCategory::Quads, (q << 13) | keep_top(any & ~(1u << q), 1));
  }
  if (three_plus) {
    unsigned t = top_rank(three_plus);
    unsigned pairs = two_plus & ~(1u << t);
    if (pairs) return make_value(HandCategory::FullHouse, (t << 4) | top_rank(pairs));
  }
  if (int high = kStraightHigh[any]; high >= 0)
    return make_value(HandCategory::Straight, static_cast<std::uint32_t>(high));
  if (three_plus) {
    unsigned t = top_rank(three_plus);
    return make_value(HandCategory::Trips, (t << 13) | keep_top(any & ~(1u << t), 2));
  }
  if (std::popcount(two_plus) >= 2) {
    unsigned both = keep_top(two_plus, 2);
    unsigned hi = top_rank(both), lo = top_rank(both & ~(1u << hi));
    return make_value(HandCategory::TwoPair, (hi << 17) | (lo << 13) | keep_top(any & ~both, 1));
  }
  if (two_plus) {
    unsigned p = top_rank(two_plus);
    return make_value(HandCategory::Pair, (p << 13) | keep_top(any & ~(1u << p), 3));
  }
  return make_value(HandCategory::HighCard, keep_top(any, 5));
}

HandValue evaluate_hand(std::span<const Card> cards) {
  if (cards.size() < 5 || cards.size() > 7)
    throw std::invalid_argument(fmt::format("a poker hand has 5 to 7 cards, got {}", cards.size()));
  std::uint64_t mask = 0;
  for (Card c : cards) {
    if (c < 0 || c > 51) throw std::invalid_argument(fmt::format("card index {} out of range", c));
    if (mask & card_bit(c)) throw std::invalid_argument("card " + card_name(c) + " given twice");
    mask |= card_bit(c);
  }
  return evaluate_mask(mask);
}

Card parse_card(std::string_view text) {
  auto r = text.size() == 2 ? kRanks.find(static_cast<char>(std::toupper(static_cast<unsigned char>(text[0]))))
                            : std::string_view::npos;
  auto s = text.size() == 2 ? kSuits.find(static_cast<char>(std::tolower(static_cast<unsigned char>(text[1]))))
                            : std::string_view::npos;
  if (r == std::string_view::npos || s == std::string_view::npos)
    throw CardParseError(fmt::format("bad card '{}' (expected rank 2-9 T J Q K A and suit c d h s, e.g. As)", text));
  return make_card(static_cast<int>(r), static_cast<int>(s));
}

std::vector<Card> parse_cards(std::string_view text) {
  std::vector<Card> cards;
  std::uint64_t seen = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ',') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) && text[j] != ',') ++j;
    std::string token(text.substr(i, j - i));
    if (token.size() == 3 && token.starts_with("10")) token = "T" + token.substr(2);
    Card c = parse_card(token);
    if (seen & card_bit(c)) throw CardParseError("card " + card_name(c) + " given twice");
    seen |= card_bit(c);
    cards.push_back(c);
    i = j;
  }
  return cards;
}

std::string card_name(Card c) {
  return {kRanks[static_cast<std::size_t>(card_rank(c))], kSuits[static_cast<std::size_t>(card_suit(c))]};
}

std::string cards_name(std::span<const Card> cards) {
  std::string out;
  for (Card c : cards) out += (out.empty() ? "" : " ") + card_name(c);
  return out;
}

std::string category_name(HandCategory category) {
  static constexpr std::array<std::string_view, 9> kNames = {
      "high card", "pair", "two pair", "three of a kind", "straight", "flush", "full house", "four of a kind",
      "straight flush"};
  return std::string(kNames[static_cast<std::size_t>(category)]);
}

}  // namespace gauntlet::games
