#include "harness/cli/cli.h"

#include <iostream>

#include <fmt/format.h>

#include "engine/text/jinja/error.h"
#include "harness/cli/command.h"
#include "harness/errors/errors.h"
#include "harness/run/version.h"

namespace gauntlet::harness {

int run_cli(int argc, char** argv) {
  CLI::App app{"Gauntlet: evaluation and self-play harness for language models", "gauntlet"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("gauntlet ") + gauntlet_version());

  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);

  CliCommands commands;
  add_eval_commands(app, commands, command_line);
  add_sandbox_commands(app, commands);
  add_verify_commands(app, commands);
  add_tournament_commands(app, commands, command_line);
  add_selfplay_commands(app, commands, command_line);
  add_ratings_commands(app, commands);
  add_game_commands(app, commands);
  add_tokenizer_commands(app, commands);
  add_chat_commands(app, commands);
  add_engine_commands(app, commands);
  add_expert_commands(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  try {
    for (const auto& c : commands)
      if (c.command->parsed()) return c.run();
  } catch (const ConfigError& e) {
    std::cerr << "gauntlet: config error: " << e.what() << "\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "gauntlet: " << e.what() << "\n";
    return 2;
  } catch (const DatasetError& e) {
    std::cerr << "gauntlet: dataset error: " << e.what() << "\n";
    return 2;
  } catch (const engine::jinja::TemplateError& e) {
    // A chat template that cannot be parsed, or that refuses the conversation (raise_exception).
    std::cerr << "gauntlet: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gauntlet: error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}

}  // namespace gauntlet::harness
