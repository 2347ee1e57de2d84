// Entry point: card strings ("As Ks Qs Js Ts 2c 3d") read by parse_cards; cards that parse must
// print, and 5 to 7 of them (evaluate_hand's precondition) must rank. Documented errors:
// CardParseError.
#include "fuzz/support/fuzz_target.h"
#include "games/hand_evaluator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet::games;
  std::vector<Card> cards;
  try {
    cards = parse_cards(gauntlet::fuzz::as_text(data, size));
  } catch (const CardParseError&) {
    return 0;
  }
  (void)cards_name(cards);
  if (cards.size() >= 5 && cards.size() <= 7) {
    HandValue v = evaluate_hand(cards);
    (void)category_name(v.category);
  }
  return 0;
}
