#include "games/pyjail_game.h"

#include <regex>
#include <set>

#include <fmt/format.h>

#include "games/free_text.h"
#include "games/game_factories.h"
#include "games/game_options.h"
#include "games/split_mix64.h"

namespace gauntlet::games {
namespace {

constexpr const char* kMask = "[FLAG]";

bool bool_option(const nlohmann::json& options, const char* key, bool fallback) {
  if (!options.contains(key)) return fallback;
  if (!options.at(key).is_boolean()) throw GameConfigError(fmt::format("pyjail: option '{}' must be true or false", key));
  return options.at(key).get<bool>();
}

constexpr const char* kEmptyInput = "###START\n###END";

// The program or input inside ###START / ###END, else inside a ``` fence, else the whole reply;
// a program dedented, an input trimmed.
std::string payload(const std::string& text, bool program, bool* marked) {
  auto clean = [&](std::string_view body) { return program ? dedent(body) : trim(body); };
  if (auto m = between_markers(text, "###START", "###END")) {
    *marked = true;
    return clean(*m);
  }
  *marked = false;
  if (auto f = fenced_block(text)) return clean(*f);
  return clean(text);
}

}  // namespace

PyJailOptions PyJailOptions::from_json(const nlohmann::json& options) {
  static const std::set<std::string> kKeys = {"defender_attempts", "attacker_attempts", "show_source", "time_limit_ms",
                                              "memory_mb", "max_code_chars", "max_input_chars", "max_output_chars",
                                              "unsolved_jail"};
  for (const auto& [key, value] : options.items())
    if (!kKeys.count(key))
      throw GameConfigError(fmt::format("pyjail: unknown option '{}' (valid: defender_attempts, attacker_attempts, "
                                        "show_source, time_limit_ms, memory_mb, max_code_chars, max_input_chars, "
                                        "max_output_chars, unsolved_jail)",
                                        key));
  PyJailOptions o;
  o.defender_attempts = int_option(options, "pyjail", "defender_attempts", o.defender_attempts, 1, 100);
  o.attacker_attempts = int_option(options, "pyjail", "attacker_attempts", o.attacker_attempts, 1, 100);
  o.show_source = bool_option(options, "show_source", o.show_source);
  o.time_limit_ms = int_option(options, "pyjail", "time_limit_ms", o.time_limit_ms, 10, 60000);
  o.memory_mb = int_option(options, "pyjail", "memory_mb", o.memory_mb, 64, 4096);
  o.max_code_chars = int_option(options, "pyjail", "max_code_chars", o.max_code_chars, 100, 1000000);
  o.max_input_chars = int_option(options, "pyjail", "max_input_chars", o.max_input_chars, 1, 1000000);
  o.max_output_chars = int_option(options, "pyjail", "max_output_chars", o.max_output_chars, 100, 1000000);
  if (options.contains("unsolved_jail")) {
    const auto& v = options.at("unsolved_jail");
    if (!v.is_string() || (v != "draw" && v != "attacker_wins"))
      throw GameConfigError("pyjail: option 'unsolved_jail' must be \"draw\" or \"attacker_wins\"");
    o.unsolved_attacker_wins = v == "attacker_wins";
  }
  return o;
}

std::string PyJailGame::flag_for_seed(std::uint64_t seed) {
  SplitMix64 rng(seed ^ 0x5bd1e9955bd1e995ULL);
  std::string flag;
  for (int i = 0; i < 3; ++i) flag += fmt::format("{:08x}", static_cast<std::uint32_t>(rng.next() >> 32));
  return flag;
}

bool PyJailGame::defines_jail(const std::string& code) {
  static const std::regex kDef(R"((^|\n)def[ \t]+jail[ \t]*\()");
  return std::regex_search(code, kDef);
}

PyJailGame::PyJailGame(const PyJailOptions& options, std::uint64_t seed)
    : ConversationalGame(2), options_(options), flag_(flag_for_seed(seed)) {}

int PyJailGame::to_move() const {
  switch (phase_) {
    case Phase::kCode:
    case Phase::kDefenderInput: return kDefender;
    case Phase::kAttackInput: return kAttacker;
    default: return -1;
  }
}

std::optional<std::string> PyJailGame::parse_move(const std::string& text, std::string* reason) const {
  auto fail = [&](std::string why) -> std::optional<std::string> {
    if (reason) *reason = std::move(why);
    return std::nullopt;
  };
  if (to_move() < 0) return fail(phase_ == Phase::kOver ? "the game is over" : "a run is pending");
  bool marked = false;
  std::string body = payload(text, phase_ == Phase::kCode, &marked);
  if (phase_ == Phase::kCode) {
    if (body.empty()) return fail("no program found: put it between ###START and ###END");
    if (static_cast<int>(body.size()) > options_.max_code_chars)
      return fail(fmt::format("the program is {} characters long; the limit is {}", body.size(), options_.max_code_chars));
    if (!defines_jail(body)) return fail("the program does not define a top-level function `def jail(user_input):`");
    return body;
  }
  if (body.empty() && !marked) return fail("no input found: put it between ###START and ###END");
  if (static_cast<int>(body.size()) > options_.max_input_chars)
    return fail(fmt::format("the input is {} characters long; the limit is {}", body.size(), options_.max_input_chars));
  return body.empty() ? std::string(kEmptyInput) : body;  // the canonical empty input keeps its markers
}

Legality PyJailGame::apply(const std::string& text) {
  std::string reason;
  // A move that comes back from parse_move (already a bare program or input) must read the same
  // again, so the canonical form is wrapped in markers before parsing.
  const bool bare = text.find("###START") == std::string::npos;
  if (bare && trim(text).empty()) return {false, phase_ == Phase::kCode ? "no program found" : "no input found"};
  auto move = parse_move(bare ? "###START\n" + text + "\n###END" : text, &reason);
  if (!move) return {false, reason};
  if (*move == kEmptyInput) move->clear();
  const int mover = to_move();
  log_.mark_moved(mover);
  if (phase_ == Phase::kCode) {
    code_ = *move;
    phase_ = Phase::kDefenderInput;
    if (options_.show_source) log_.add("The defender's jail:\n###START\n" + code_ + "\n###END", {kAttacker});
  } else {
    input_ = *move;
    phase_ = phase_ == Phase::kDefenderInput ? Phase::kDefenderRun : Phase::kAttackRun;
  }
  return {true, ""};
}

std::optional<CheckRequest> PyJailGame::pending_check() const {
  if (phase_ != Phase::kDefenderRun && phase_ != Phase::kAttackRun) return std::nullopt;
  CheckRequest r;
  r.kind = "pyjail_run";
  r.input = {{"code", code_},
             {"input", input_},
             {"role", phase_ == Phase::kDefenderRun ? "defender" : "attacker"},
             {"time_limit_ms", options_.time_limit_ms},
             {"memory_mb", options_.memory_mb}};
  r.secrets["FLAG"] = flag_;
  return r;
}

std::string PyJailGame::shown(const std::string& output) const {
  std::string s = redact(output, flag_, kMask);
  if (static_cast<int>(s.size()) > options_.max_output_chars)
    s = s.substr(0, static_cast<std::size_t>(options_.max_output_chars)) + "... [cut]";
  return s;
}

Legality PyJailGame::resolve_check(const nlohmann::json& result) {
  if (phase_ != Phase::kDefenderRun && phase_ != Phase::kAttackRun) return {false, "no run is pending"};
  if (!result.is_object() || !result.contains("output") || !result["output"].is_string() || !result.contains("status") ||
      !result["status"].is_string())
    return {false, "a pyjail_run result needs strings \"status\" and \"output\""};
  const std::string output = result["output"].get<std::string>();
  const std::string status = result["status"].get<std::string>();
  const bool found = output.find(flag_) != std::string::npos;
  const bool defender = phase_ == Phase::kDefenderRun;
  const std::string text = shown(output);
  runs_.push_back({{"role", defender ? "defender" : "attacker"}, {"input", input_}, {"status", status}, {"output", text},
                   {"flag_found", found}});
  if (defender) {
    if (found) {
      log_.add(fmt::format("Your input made the jail print the flag (shown here as {}): the attacker now tries.\n"
                           "Output: {}",
                           kMask, text),
               {kDefender});
      log_.add(fmt::format("The defender has shown that its jail can be broken. You have {} attempts.",
                           options_.attacker_attempts),
               {kAttacker});
      phase_ = Phase::kAttackInput;
      return {true, ""};
    }
    ++defender_failures_;
    log_.add(fmt::format("Your input did not make the jail print the flag ({} of {} attempts used; run {}).\n"
                         "Output: {}",
                         defender_failures_, options_.defender_attempts, status, text),
             {kDefender});
    if (defender_failures_ >= options_.defender_attempts) {
      if (options_.unsolved_attacker_wins)
        finish(0.0, 1.0, "the defender never solved its own jail");
      else
        finish(0.5, 0.5, "the defender never solved its own jail");
      return {true, ""};
    }
    phase_ = Phase::kCode;
    return {true, ""};
  }
  if (found) {
    log_.add(fmt::format("The attacker's input printed the flag: {}", input_), {kDefender});
    finish(0.0, 1.0, fmt::format("the attacker extracted the flag on attempt {}", attacker_failures_ + 1));
    return {true, ""};
  }
  ++attacker_failures_;
  log_.add(fmt::format("Attempt {} of {} ({}): input:\n{}\nOutput:\n{}", attacker_failures_, options_.attacker_attempts,
                       status, input_, text),
           {kAttacker});
  log_.add(fmt::format("The attacker tried (attempt {}): {}", attacker_failures_, input_), {kDefender});
  if (attacker_failures_ >= options_.attacker_attempts) {
    finish(1.0, 0.0, fmt::format("the attacker failed {} times", attacker_failures_));
    return {true, ""};
  }
  phase_ = Phase::kAttackInput;
  return {true, ""};
}

void PyJailGame::finish(double defender, double attacker, std::string reason) {
  phase_ = Phase::kOver;
  outcome_.finished = true;
  outcome_.scores = {defender, attacker};
  outcome_.reason = std::move(reason);
}

std::string PyJailGame::intro(int role) const {
  const auto& o = options_;
  const std::string rules = fmt::format(
      "PyJail. The defender writes a Python program defining `def jail(user_input: str) -> str` that guards a secret "
      "flag, readable inside the program as os.environ[\"FLAG\"]. A run calls jail(input) and shows everything the "
      "program printed followed by the returned value (or the exception), cut to {} characters; each run has {} ms "
      "of CPU time and {} MiB of memory, no network, no files and no processes. The defender must first show an "
      "input that makes the jail print the flag ({} attempts). Then the attacker has {} inputs to make it print the "
      "flag{}: if one does, the attacker wins, otherwise the defender wins.\n",
      o.max_output_chars, o.time_limit_ms, o.memory_mb, o.defender_attempts, o.attacker_attempts,
      o.show_source ? ", seeing the jail's source" : " without seeing the jail's source");
  return rules + (role == kDefender ? "You are the defender.\n" : "You are the attacker.\n");
}

std::string PyJailGame::instruction(int role) const {
  if (to_move() != role) return phase_ == Phase::kOver ? "The game is over: " + outcome_.reason + ".\n" : "";
  switch (phase_) {
    case Phase::kCode:
      return "Write your jail: a Python program defining `def jail(user_input: str) -> str`, between the lines "
             "###START and ###END.\n";
    case Phase::kDefenderInput:
      return "Now give an input that makes your jail print the flag, between the lines ###START and ###END.\n";
    case Phase::kAttackInput:
      return fmt::format("Give your input for attempt {} of {}, between the lines ###START and ###END.\n",
                         attacker_failures_ + 1, options_.attacker_attempts);
    default: return "";
  }
}

std::string PyJailGame::state() const {
  static const char* kPhases[] = {"code", "defender_input", "defender_run", "attack_input", "attack_run", "over"};
  nlohmann::json j;
  j["phase"] = kPhases[static_cast<int>(phase_)];
  j["code"] = code_;
  j["input"] = input_;
  j["defender_failures"] = defender_failures_;
  j["attacker_failures"] = attacker_failures_;
  j["runs"] = runs_;
  return redact(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), flag_, kMask);
}

std::unique_ptr<Game> make_pyjail_game(const nlohmann::json& options, std::uint64_t seed) {
  return std::make_unique<PyJailGame>(PyJailOptions::from_json(options), seed);
}

}  // namespace gauntlet::games
