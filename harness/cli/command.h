#pragma once
// CLI command groups. Each group registers its subcommands on the app and, for each, a function
// that runs it once parsing succeeded. run_cli() (cli.h) owns parsing and error-to-exit-code mapping.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace gauntlet::engine {
class Engine;
}

namespace gauntlet::harness {

struct CliCommand {
  CLI::App* command = nullptr;
  std::function<int()> run;  // exit code; may throw GauntletError subclasses
};
using CliCommands = std::vector<CliCommand>;

// eval, report, export, merge (eval_commands.cpp)
void add_eval_commands(CLI::App& app, CliCommands& commands, const std::string& command_line);
// sandbox run, sandbox batch (sandbox_commands.cpp)
void add_sandbox_commands(CLI::App& app, CliCommands& commands);

// verify math (verify_commands.cpp)
void add_verify_commands(CLI::App& app, CliCommands& commands);

// tournament (tournament_commands.cpp)
void add_tournament_commands(CLI::App& app, CliCommands& commands, const std::string& command_line);

// selfplay (selfplay_commands.cpp)
void add_selfplay_commands(CLI::App& app, CliCommands& commands, const std::string& command_line);

// ratings (ratings_commands.cpp)
void add_ratings_commands(CLI::App& app, CliCommands& commands);

// chess perft, poker rank (game_commands.cpp)
void add_game_commands(CLI::App& app, CliCommands& commands);

// tokenize, detokenize (tokenizer_commands.cpp)
void add_tokenizer_commands(CLI::App& app, CliCommands& commands);

// render-chat (chat_commands.cpp)
void add_chat_commands(CLI::App& app, CliCommands& commands);

// make-model, generate (engine_commands.cpp)
void add_engine_commands(CLI::App& app, CliCommands& commands);
// Loads --model for an engine command; UsageError naming the directory when it cannot.
std::unique_ptr<engine::Engine> open_cli_engine(const std::string& model_dir, int threads);

// experts npmi, experts super (expert_commands.cpp)
void add_expert_commands(CLI::App& app, CliCommands& commands);

}  // namespace gauntlet::harness
