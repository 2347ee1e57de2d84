#include "harness/run/shard.h"

#include <stdexcept>

#include <fmt/format.h>

#include "harness/errors/errors.h"

namespace gauntlet::harness {

std::string Shard::to_string() const { return fmt::format("{}/{}", index, count); }

Shard Shard::parse(const std::string& text) {
  auto slash = text.find('/');
  Shard s;
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t p1 = 0, p2 = 0;
    s.index = std::stoi(text.substr(0, slash), &p1);
    s.count = std::stoi(text.substr(slash + 1), &p2);
    if (p1 != slash || p2 != text.size() - slash - 1) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    throw UsageError(fmt::format("--shard '{}': expected i/n, e.g. 0/4", text));
  }
  if (s.count < 1 || s.index < 0 || s.index > s.count)
    throw UsageError(fmt::format("--shard '{}': need n >= 1 and 0 <= i <= n", text));
  s.index %= s.count;  // n/n is 0/n: 0-based (0..n-1) and 1-based (1..n) numbering both cover every item once
  return s;
}

}  // namespace gauntlet::harness
