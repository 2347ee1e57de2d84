#include "games/free_text.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "games/game.h"

namespace gauntlet::games {

std::string trim(std::string_view text) {
  std::size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  return std::string(text.substr(b, e - b));
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string dedent(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t at = 0;;) {
    auto nl = text.find('\n', at);
    lines.push_back(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  auto blank = [](std::string_view line) { return trim(line).empty(); };
  std::size_t b = 0, e = lines.size();
  while (b < e && blank(lines[b])) ++b;
  while (e > b && blank(lines[e - 1])) --e;
  std::size_t common = std::string_view::npos;
  std::string_view prefix;
  for (std::size_t i = b; i < e; ++i) {
    if (blank(lines[i])) continue;
    std::size_t n = 0;
    while (n < lines[i].size() && (lines[i][n] == ' ' || lines[i][n] == '\t')) ++n;
    if (common == std::string_view::npos) {
      common = n;
      prefix = lines[i].substr(0, n);
    } else {
      std::size_t k = 0;  // the whitespace prefix shared with what is common so far (tabs and spaces exactly)
      while (k < std::min(common, n) && lines[i][k] == prefix[k]) ++k;
      common = k;
      prefix = prefix.substr(0, k);
    }
  }
  std::string out;
  for (std::size_t i = b; i < e; ++i) {
    std::string_view line = lines[i];
    if (blank(line)) line = {};
    else line.remove_prefix(common);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    out.append(line);
    if (i + 1 < e) out += '\n';
  }
  return out;
}

std::optional<std::string> between_markers(std::string_view text, std::string_view start, std::string_view end) {
  auto s = text.rfind(start);
  if (s == std::string_view::npos) return std::nullopt;
  s += start.size();
  auto e = text.find(end, s);
  if (e == std::string_view::npos) return std::nullopt;
  return std::string(text.substr(s, e - s));
}

std::optional<std::string> fenced_block(std::string_view text) {
  auto close = text.rfind("```");
  if (close == std::string_view::npos || close == 0) return std::nullopt;
  auto open = text.rfind("```", close - 1);
  if (open == std::string_view::npos) return std::nullopt;
  auto body = text.substr(open + 3, close - open - 3);
  auto newline = body.find('\n');
  // A language tag is a single word on the opening line ("python", "py", "text").
  if (newline != std::string_view::npos) {
    auto tag = trim(body.substr(0, newline));
    bool word = true;
    for (char c : tag) word = word && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    if (word) body = body.substr(newline + 1);
  }
  return std::string(body);
}

std::string redact(std::string text, const std::string& secret, const std::string& mask) {
  if (secret.empty()) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + mask.size()))
    text.replace(at, secret.size(), mask);
  return text;
}

std::vector<std::string> string_list_option(const nlohmann::json& options, const char* game, const char* key) {
  const auto& v = options.at(key);
  auto bad = [&] { return GameConfigError(fmt::format("{}: option '{}' must be a non-empty list of non-empty strings", game, key)); };
  if (!v.is_array() || v.empty()) throw bad();
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string() || trim(e.get<std::string>()).empty()) throw bad();
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace gauntlet::games
