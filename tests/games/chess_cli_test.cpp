// `gauntlet chess perft`: counts, --divide, and a bad FEN as a usage error.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::run_command;
const std::string kBinary = GAUNTLET_BINARY;

TEST(ChessCli, PerftPrintsCountsAndSpeed) {
  auto r = run_command(kBinary + " chess perft --depth 4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "197281\n");
  EXPECT_NE(r.err.find("nodes/s"), std::string::npos);

  r = run_command(kBinary +
                  " chess perft --fen '8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1' --depth 3 --divide");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("b4b1: "), std::string::npos);
  EXPECT_NE(r.out.find("e2e4: "), std::string::npos);
  EXPECT_NE(r.out.find("\ntotal: 2812\n"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 14 + 2);
}

TEST(ChessCli, BadFenIsAUsageError) {
  auto r = run_command(kBinary + " chess perft --fen 'rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0' "
                                 "--depth 1");
  EXPECT_EQ(r.exit_code, 0) << "5 fields are a valid FEN";
  r = run_command(kBinary + " chess perft --fen 'rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR v KQkq - 0 1' --depth 1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("FEN field 2 (side to move)"), std::string::npos) << r.err;
  EXPECT_EQ(run_command(kBinary + " chess perft").exit_code, 2);
  EXPECT_EQ(run_command(kBinary + " chess").exit_code, 2);
}

}  // namespace
