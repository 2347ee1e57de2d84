#pragma once
// Poker hand evaluation: the best five-card hand among 5, 6 or 7 cards, as a category and a strength
// integer (higher wins, equal ties; comparable across categories). Cards are 0..51 = rank * 4 + suit,
// rank 0 = deuce .. 12 = ace; text form "As", "Td", "9c" (ranks 2-9 T J Q K A, suits c d h s).
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gauntlet::games {

using Card = int;

// Unreadable card text or a card given twice.
class CardParseError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

enum class HandCategory : int {
  HighCard,
  Pair,
  TwoPair,
  Trips,
  Straight,
  Flush,
  FullHouse,
  Quads,
  StraightFlush,
};

struct HandValue {
  HandCategory category = HandCategory::HighCard;
  std::uint32_t strength = 0;  // category in bits 26..29, tie-breaking ranks below
};

constexpr int card_rank(Card c) { return c / 4; }
constexpr int card_suit(Card c) { return c % 4; }
constexpr Card make_card(int rank, int suit) { return rank * 4 + suit; }

Card parse_card(std::string_view text);
// Whitespace- or comma-separated cards, e.g. "As Ks Qs"; rejects duplicates.
std::vector<Card> parse_cards(std::string_view text);
std::string card_name(Card c);
std::string cards_name(std::span<const Card> cards);
std::string category_name(HandCategory category);  // "straight flush", "two pair", ...

// Cards as a 64-bit set: bit suit * 16 + rank.
constexpr std::uint64_t card_bit(Card c) { return std::uint64_t{1} << (card_suit(c) * 16 + card_rank(c)); }

// Best hand among the cards of a set of 5 to 7 cards (fewer are ranked as they stand).
HandValue evaluate_mask(std::uint64_t cards);
// Throws std::invalid_argument unless 5 to 7 distinct valid cards are given.
HandValue evaluate_hand(std::span<const Card> cards);

}  // namespace gauntlet::games
