#pragma once
// Typed readers for ScorerOptions values. Each throws ScorerConfigError naming the scorer, the
// option and the offending value when the value is malformed; a missing key yields the default.
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "verifiers/scorer.h"

namespace gauntlet::verifiers {

inline std::optional<std::string> option_value(const ScorerOptions& options, const std::string& key) {
  auto it = options.find(key);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

// "true" or "false".
inline bool option_bool(const ScorerOptions& options, const std::string& scorer, const std::string& key,
                        bool fallback) {
  auto value = option_value(options, key);
  if (!value) return fallback;
  if (*value == "true") return true;
  if (*value == "false") return false;
  throw ScorerConfigError("scorer '" + scorer + "': option '" + key + "' must be \"true\" or \"false\", got \"" +
                          *value + "\"");
}

// A finite number >= 0.
inline double option_non_negative_double(const ScorerOptions& options, const std::string& scorer,
                                         const std::string& key, double fallback) {
  auto value = option_value(options, key);
  if (!value) return fallback;
  const char* begin = value->c_str();
  char* end = nullptr;
  double parsed = value->empty() ? NAN : std::strtod(begin, &end);
  if (value->empty() || end != begin + value->size() || !std::isfinite(parsed) || parsed < 0) {
    throw ScorerConfigError("scorer '" + scorer + "': option '" + key +
                            "' must be a non-negative number, got \"" + *value + "\"");
  }
  return parsed;
}

// A whole number >= 1 (at most 2^31 - 1).
inline int option_positive_int(const ScorerOptions& options, const std::string& scorer, const std::string& key,
                               int fallback) {
  auto value = option_value(options, key);
  if (!value) return fallback;
  const char* begin = value->c_str();
  char* end = nullptr;
  long long parsed = value->empty() ? 0 : std::strtoll(begin, &end, 10);
  if (value->empty() || end != begin + value->size() || parsed < 1 || parsed > 2147483647LL) {
    throw ScorerConfigError("scorer '" + scorer + "': option '" + key + "' must be a positive whole number, got \"" +
                            *value + "\"");
  }
  return static_cast<int>(parsed);
}

// One of `allowed`.
inline std::string option_enum(const ScorerOptions& options, const std::string& scorer, const std::string& key,
                               const std::vector<std::string>& allowed, const std::string& fallback) {
  auto value = option_value(options, key);
  if (!value) return fallback;
  std::string listed;
  for (const auto& candidate : allowed) {
    if (*value == candidate) return candidate;
    listed += (listed.empty() ? "\"" : ", \"") + candidate + "\"";
  }
  throw ScorerConfigError("scorer '" + scorer + "': option '" + key + "' must be one of " + listed + ", got \"" +
                          *value + "\"");
}

}  // namespace gauntlet::verifiers
