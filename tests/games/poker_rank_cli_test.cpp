// `gauntlet poker rank`: one line per hand with category and strength; bad cards exit 2.
#include <gtest/gtest.h>

#include "tests/support/command.h"

namespace gauntlet::games {
namespace {

using gauntlet::testing::run_command;

TEST(PokerRankCli, PrintsCategoryAndStrength) {
  auto r = run_command(std::string(GAUNTLET_BINARY) + " poker rank 'As Ks Qs Js Ts 2c 3d' '2h 2d 5c 5s 9h' 'ah 2d 3c 4s 5h'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "As Ks Qs Js Ts 2c 3d: straight flush, strength 536870924\n"
            "2h 2d 5c 5s 9h: two pair, strength 134611072\n"
            "Ah 2d 3c 4s 5h: straight, strength 268435459\n");
}

TEST(PokerRankCli, BadCardsExitTwo) {
  auto r = run_command(std::string(GAUNTLET_BINARY) + " poker rank 'As Ks Qs Js Ts' 'As Kx Qs Js Ts'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("bad card 'Kx'"), std::string::npos) << r.err;
  EXPECT_EQ(run_command(std::string(GAUNTLET_BINARY) + " poker rank 'As As Qs Js Ts'").exit_code, 2);
  EXPECT_EQ(run_command(std::string(GAUNTLET_BINARY) + " poker rank 'As Ks'").exit_code, 2);
}

}  // namespace
}  // namespace gauntlet::games
