#pragma once
// Reading free-text moves (questions, programs, messages, speeches): trimming, the text between
// markers such as ###START / ###END, the body of a ``` fenced block, and options that are lists of
// strings.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::games {

std::string trim(std::string_view text);
std::string to_lower(std::string_view text);
// A program block as written inside a reply: blank lines at either end dropped, the indentation
// common to every non-blank line removed (Python's textwrap.dedent), trailing whitespace dropped.
std::string dedent(std::string_view text);
// The text between the last `start` marker and the next `end` after it (untrimmed), or nullopt.
std::optional<std::string> between_markers(std::string_view text, std::string_view start, std::string_view end);
// The body of the last ``` fenced block (its language tag dropped), or nullopt.
std::optional<std::string> fenced_block(std::string_view text);
// Replaces every occurrence of `secret` (non-empty) by `mask`.
std::string redact(std::string text, const std::string& secret, const std::string& mask);
// A JSON option that is a non-empty list of non-empty strings; throws GameConfigError otherwise.
std::vector<std::string> string_list_option(const nlohmann::json& options, const char* game, const char* key);

}  // namespace gauntlet::games
