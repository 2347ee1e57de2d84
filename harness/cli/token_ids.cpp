#include "harness/cli/token_ids.h"

#include <charconv>

#include <fmt/format.h>

#include "harness/errors/errors.h"

namespace gauntlet::harness {

std::vector<int> parse_token_ids(const std::string& text, const std::string& flag) {
  std::vector<int> ids;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    std::size_t end = comma == std::string::npos ? text.size() : comma;
    std::string item = text.substr(pos, end - pos);
    std::size_t first = item.find_first_not_of(" \t");
    std::size_t last = item.find_last_not_of(" \t");
    std::string digits = first == std::string::npos ? "" : item.substr(first, last - first + 1);
    int id = -1;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || id < 0)
      throw UsageError(fmt::format("{}: '{}' is not a token id", flag, item));
    ids.push_back(id);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return ids;
}

}  // namespace gauntlet::harness
