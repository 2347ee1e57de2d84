#include "games/hand_evaluator.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>

#include <gtest/gtest.h>

namespace gauntlet::games {
namespace {

HandValue eval(const char* cards) { return evaluate_hand(parse_cards(cards)); }

TEST(HandEvaluator, CategoryCountsOverAllFiveCardHands) {
  std::array<long, 9> counts{};
  long royals = 0;
  for (int a = 0; a < 52; ++a)
    for (int b = a + 1; b < 52; ++b)
      for (int c = b + 1; c < 52; ++c)
        for (int d = c + 1; d < 52; ++d)
          for (int e = d + 1; e < 52; ++e) {
            HandValue v = evaluate_mask(card_bit(a) | card_bit(b) | card_bit(c) | card_bit(d) | card_bit(e));
            ++counts[static_cast<std::size_t>(v.category)];
            royals += v.category == HandCategory::StraightFlush && (v.strength & 0xf) == 12;
          }
  EXPECT_EQ(counts[0], 1302540);
  EXPECT_EQ(counts[1], 1098240);
  EXPECT_EQ(counts[2], 123552);
  EXPECT_EQ(counts[3], 54912);
  EXPECT_EQ(counts[4], 10200);
  EXPECT_EQ(counts[5], 5108);
  EXPECT_EQ(counts[6], 3744);
  EXPECT_EQ(counts[7], 624);
  EXPECT_EQ(counts[8], 40);
  EXPECT_EQ(royals, 4);
}

// The seven-card value equals the best of its 21 five-card subsets.
TEST(HandEvaluator, SevenCardsMatchBestFiveOfSeven) {
  std::mt19937_64 rng(7);
  std::array<Card, 52> deck;
  for (int i = 0; i < 52; ++i) deck[static_cast<std::size_t>(i)] = i;
  for (int trial = 0; trial < 100000; ++trial) {
    for (int i = 0; i < 7; ++i) std::swap(deck[static_cast<std::size_t>(i)], deck[static_cast<std::size_t>(i) + rng() % (52 - static_cast<std::size_t>(i))]);
    std::uint64_t all = 0;
    for (int i = 0; i < 7; ++i) all |= card_bit(deck[static_cast<std::size_t>(i)]);
    std::uint32_t best = 0;
    for (int skip1 = 0; skip1 < 7; ++skip1)
      for (int skip2 = skip1 + 1; skip2 < 7; ++skip2)
        best = std::max(best, evaluate_mask(all & ~card_bit(deck[static_cast<std::size_t>(skip1)]) &
                                            ~card_bit(deck[static_cast<std::size_t>(skip2)])).strength);
    ASSERT_EQ(evaluate_mask(all).strength, best) << cards_name(std::span<const Card>(deck.data(), 7));
    // Six cards too.
    std::uint64_t six = all & ~card_bit(deck[6]);
    std::uint32_t best6 = 0;
    for (int skip = 0; skip < 6; ++skip) best6 = std::max(best6, evaluate_mask(six & ~card_bit(deck[static_cast<std::size_t>(skip)])).strength);
    ASSERT_EQ(evaluate_mask(six).strength, best6);
  }
}

TEST(HandEvaluator, KnownSevenCardHands) {
  EXPECT_EQ(eval("As Ks Qs Js Ts 2c 3d").category, HandCategory::StraightFlush);
  EXPECT_EQ(eval("Ah 2h 3h 4h 5h Kc Kd").category, HandCategory::StraightFlush);  // steel wheel
  EXPECT_GT(eval("2h 3h 4h 5h 6h Kc Kd").strength, eval("Ah 2h 3h 4h 5h Kc Kd").strength);
  EXPECT_EQ(eval("Ah 2d 3c 4s 5h 9c Jd").category, HandCategory::Straight);  // wheel
  EXPECT_LT(eval("Ah 2d 3c 4s 5h 9c Jd").strength, eval("2d 3c 4s 5h 6c 9c Jd").strength);
  EXPECT_EQ(eval("Ah Ad Ac Kh Kd Kc 2c").category, HandCategory::FullHouse);  // two trips: aces full of kings
  EXPECT_EQ(eval("Ah Ad Ac Kh Kd Kc 2c").strength, eval("Ah Ad Ac Kh Kd 7c 2c").strength);
  EXPECT_GT(eval("Kh Kd Kc Ah Ad 2s 3c").strength, eval("Qh Qd Qc Ah Ad Ks 3c").strength);
  // Three pairs: the best two pairs and the best kicker among the rest.
  EXPECT_EQ(eval("Ah Ad Kh Kd Qh Qd 2c").category, HandCategory::TwoPair);
  EXPECT_EQ(eval("Ah Ad Kh Kd Qh Qd 2c").strength, eval("Ah Ad Kh Kd Qc 3d 2c").strength);
  EXPECT_GT(eval("Ah Ad Kh Kd Qh Qd 2c").strength, eval("Ah Ad Kh Kd Jh Jd Tc").strength);
  // Flush beats a straight in the same seven cards; the best five suited cards count.
  EXPECT_EQ(eval("9h 8h 7c 6h 5d 2h Ah").category, HandCategory::Flush);
  EXPECT_GT(eval("Ah Kh 9h 5h 4h 3h 2c").strength, eval("Ah Kh 9h 4h 3h 2h 5c").strength);
  EXPECT_EQ(eval("Ah Kh 9h 4h 3h 2h 5c").strength, eval("Ah Kh 9h 4h 3h 2c 5c").strength);
  // Quads take the best remaining kicker.
  EXPECT_GT(eval("7h 7d 7c 7s Ah 2d 3c").strength, eval("7h 7d 7c 7s Kh Qd Jc").strength);
  EXPECT_EQ(eval("7h 7d 7c 7s Ah 2d 3c").category, HandCategory::Quads);
}

TEST(HandEvaluator, KickersTieAndSplit) {
  // The board plays for both: a split.
  EXPECT_EQ(eval("Ah Kd Qc Jh 9s 2c 3d").strength, eval("Ah Kd Qc Jh 9s 4c 5d").strength);
  // Same pair, fifth kicker decides; sixth and seventh cards never do.
  EXPECT_GT(eval("Ah Ad Kc Qh 9s 2c 3d").strength, eval("Ah Ad Kc Qh 8s 7c 3d").strength);
  EXPECT_EQ(eval("Ah Ad Kc Qh Js 2c 3d").strength, eval("Ah Ad Kc Qh Js 4c 5d").strength);
  // Same two pair, kicker decides.
  EXPECT_GT(eval("Ah Ad Kc Kh Qs 2c 3d").strength, eval("As Ac Kd Ks Js 2c 3d").strength);
  // Same trips, kickers decide.
  EXPECT_GT(eval("5h 5d 5c Ah Qs 2c 3d").strength, eval("5h 5d 5c Ah Js Tc 3d").strength);
  // Higher straight wins; equal straights tie.
  EXPECT_EQ(eval("Th Jd Qc Kh As 2c 3d").strength, eval("Td Jc Qh Ks Ac 4c 5d").strength);
  EXPECT_EQ(eval("Th Jd Qc Kh 9s 8c 3d").category, HandCategory::Straight);
  EXPECT_EQ(eval("Th Jd Qc Kh 9s 8c 3d").strength & 0xf, 11u);  // king-high straight
}

TEST(HandEvaluator, CategoryOrderAndNames) {
  const char* ordered[] = {"2c 4d 6h 8s Tc", "2c 2d 6h 8s Tc", "2c 2d 6h 6s Tc", "2c 2d 2h 8s Tc", "2c 3d 4h 5s 6c",
                           "2c 4c 6c 8c Tc", "2c 2d 2h 8s 8c", "2c 2d 2h 2s Tc", "2c 3c 4c 5c 6c"};
  for (int i = 1; i < 9; ++i) EXPECT_GT(eval(ordered[i]).strength, eval(ordered[i - 1]).strength) << ordered[i];
  EXPECT_EQ(category_name(HandCategory::StraightFlush), "straight flush");
  EXPECT_EQ(category_name(HandCategory::TwoPair), "two pair");
}

TEST(HandEvaluator, CardParsing) {
  EXPECT_EQ(card_name(parse_card("As")), "As");
  EXPECT_EQ(card_name(parse_card("td")), "Td");
  EXPECT_EQ(cards_name(parse_cards("10h, 2c")), "Th 2c");
  EXPECT_THROW(parse_card("Zs"), CardParseError);
  EXPECT_THROW(parse_card("A"), CardParseError);
  EXPECT_THROW(parse_cards("As Ks As"), CardParseError);
  EXPECT_THROW(evaluate_hand(parse_cards("As Ks Qs Js")), std::invalid_argument);
}

TEST(HandEvaluator, SevenCardSpeed) {
  std::mt19937_64 rng(1);
  std::vector<std::uint64_t> hands(1 << 16);
  for (auto& h : hands) {
    h = 0;
    while (std::popcount(h) < 7) h |= card_bit(static_cast<Card>(rng() % 52));
  }
  const int rounds = 100;
  std::uint64_t sink = 0;
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r)
    for (auto h : hands) sink += evaluate_mask(h).strength;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double rate = rounds * static_cast<double>(hands.size()) / seconds;
  std::printf("7-card evaluations: %.1f M/s (checksum %llu)\n", rate / 1e6, static_cast<unsigned long long>(sink));
  EXPECT_GT(rate, 1e6);
}

}  // namespace
}  // namespace gauntlet::games
