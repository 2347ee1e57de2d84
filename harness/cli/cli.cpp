#include "harness/cli/cli.h"

#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/text/jinja/error.h"
#include "harness/cli/command.h"
#include "harness/cli/suggest.h"
#include "harness/errors/errors.h"
#include "harness/run/version.h"

namespace gauntlet::harness {
namespace {

// For a parse that left words over: names the first one (an unknown command or option) and
// suggests the closest valid one. "" when nothing was left over (CLI11's own message is used).
std::string explain_unexpected(CLI::App& app) {
  CLI::App* at = &app;
  std::string path = "gauntlet";
  for (;;) {
    auto parsed = at->get_subcommands();
    if (parsed.empty()) break;
    at = parsed.front();
    path += " " + at->get_name();
  }
  auto left = at->remaining();
  if (left.empty()) return "";
  const std::string word = left.front();
  if (word.rfind("-", 0) == 0) {
    const std::string name = word.substr(0, word.find('='));
    std::vector<std::string> valid;
    for (const CLI::Option* opt : at->get_options()) {
      for (const auto& l : opt->get_lnames()) valid.push_back("--" + l);
      for (const auto& sn : opt->get_snames()) valid.push_back("-" + sn);
    }
    auto best = closest_word(name, valid);
    return fmt::format("{}: unknown option '{}'{}", path, name,
                       best.empty() ? fmt::format(" (valid: {})", fmt::join(valid, ", "))
                                    : fmt::format("; did you mean '{}'?", best));
  }
  std::vector<std::string> commands;
  for (const CLI::App* sub : at->get_subcommands([](const CLI::App*) { return true; })) commands.push_back(sub->get_name());
  if (commands.empty() || !at->get_subcommands().empty())
    return fmt::format("{}: unexpected argument '{}'", path, word);
  auto best = closest_word(word, commands);
  return fmt::format("{}: unknown command '{}'{}", path, word,
                     best.empty() ? fmt::format(" (valid: {})", fmt::join(commands, ", "))
                                  : fmt::format("; did you mean '{}'?", best));
}

}  // namespace

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
    if (e.get_exit_code() != static_cast<int>(CLI::ExitCodes::Success)) {
      if (auto message = explain_unexpected(app); !message.empty()) {
        std::cerr << message << "\nRun with --help for more information.\n";
        return 2;
      }
    }
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
