// Game tools on the command line: `gauntlet chess perft` (and, next to it, `gauntlet poker rank`).
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "games/chess_notation.h"
#include "games/chess_position.h"
#include "games/hand_evaluator.h"
#include "harness/cli/command.h"
#include "harness/errors/errors.h"

namespace gauntlet::harness {
namespace {

// ---- chess ----

struct PerftArgs {
  std::string fen{games::chess::kStartFen};
  int depth = 1;
  bool divide = false;
};

int cmd_chess_perft(const PerftArgs& a) {
  using namespace games::chess;
  Position pos;
  try {
    pos = Position::from_fen(a.fen);
  } catch (const FenError& e) {
    throw UsageError(fmt::format("--fen: {}", e.what()));
  }
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t total = 0;
  if (a.divide) {
    for (const auto& [move, nodes] : perft_divide(pos, a.depth)) {
      std::cout << fmt::format("{}: {}\n", to_uci(move), nodes);
      total += nodes;
    }
    std::cout << fmt::format("\ntotal: {}\n", total);
  } else {
    total = perft(pos, a.depth);
    std::cout << total << "\n";
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << fmt::format("perft {}: {} nodes in {:.3f} s ({:.1f} M nodes/s)\n", a.depth, total, seconds,
                           seconds > 0 ? double(total) / seconds / 1e6 : 0.0);
  return 0;
}

void add_chess_commands(CLI::App& app, CliCommands& commands) {
  auto* chess = app.add_subcommand("chess", "Chess tools: perft move-path counts");
  chess->require_subcommand(1);
  auto a = std::make_shared<PerftArgs>();
  auto* perft = chess->add_subcommand("perft", "Count leaf nodes of the legal move tree to a depth");
  perft->add_option("--fen", a->fen, "Start position (default: the standard initial position)");
  perft->add_option("--depth", a->depth, "Depth in plies")->required()->check(CLI::Range(0, 15));
  perft->add_flag("--divide", a->divide, "Print each root move (UCI) with its count, then the total");
  commands.push_back({perft, [a] { return cmd_chess_perft(*a); }});
}

// ---- poker ----

int cmd_poker_rank(const std::vector<std::string>& hands) {
  std::vector<std::string> lines;  // all hands are checked before anything is printed
  for (const auto& text : hands) {
    try {
      auto cards = games::parse_cards(text);
      auto v = games::evaluate_hand(cards);
      lines.push_back(fmt::format("{}: {}, strength {}", games::cards_name(cards), games::category_name(v.category), v.strength));
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("hand \"{}\": {}", text, e.what()));
    }
  }
  for (const auto& line : lines) std::cout << line << "\n";
  return 0;
}

void add_poker_commands(CLI::App& app, CliCommands& commands) {
  auto* poker = app.add_subcommand("poker", "Poker tools: hand ranking");
  poker->require_subcommand(1);
  auto hands = std::make_shared<std::vector<std::string>>();
  auto* rank = poker->add_subcommand("rank", "Category and strength (higher wins, equal ties) of 5-7 card hands");
  rank->add_option("hands", *hands, "Hands such as \"As Ks Qs Js Ts 2c 3d\" (ranks 2-9 T J Q K A, suits c d h s)")->required();
  commands.push_back({rank, [hands] { return cmd_poker_rank(*hands); }});
}

}  // namespace

void add_game_commands(CLI::App& app, CliCommands& commands) {
  add_chess_commands(app, commands);
  add_poker_commands(app, commands);
}

}  // namespace gauntlet::harness
