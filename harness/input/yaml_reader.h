#pragma once
// MapReader: reads one YAML mapping of a config file, tracking consumed keys so that anything left
// over is an error, and turning every problem into a ConfigError naming file:line and the key path.
// Shared by every config format (suites, tournaments, self-play).
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "harness/clients/chat.h"
#include "harness/errors/errors.h"

namespace gauntlet::harness {

class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string file, std::string where)
      : node_(node), file_(std::move(file)), where_(std::move(where)) {
    if (!node.IsMap()) fail(node, where_, "expected a mapping");
  }

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& what) const {
    // A key that is absent (a check on its default) has no position: report the mapping's line.
    const YAML::Node& pos = at.IsDefined() ? at : node_;
    throw ConfigError(file_, pos.Mark().line >= 0 ? pos.Mark().line + 1 : 0, key, what);
  }
  std::string path(const std::string& key) const { return where_.empty() ? key : where_ + "." + key; }

  YAML::Node get(const std::string& key) {
    seen_.insert(key);
    return node_[key];
  }
  bool has(const std::string& key) const { return node_[key] && !node_[key].IsNull(); }

  template <typename T>
  std::optional<T> opt(const std::string& key) {
    auto n = get(key);
    if (!n || n.IsNull()) return std::nullopt;
    if (!n.IsScalar()) fail(n, path(key), "expected a single value");
    try {
      return n.as<T>();
    } catch (const YAML::Exception&) {
      fail(n, path(key), fmt::format("cannot read '{}' as {}", n.Scalar(), type_name<T>()));
    }
  }
  template <typename T>
  T req(const std::string& key) {
    auto v = opt<T>(key);
    if (!v) fail(node_, path(key), "required key is missing");
    return *v;
  }
  std::string req_string(const std::string& key) {
    auto v = req<std::string>(key);
    if (v.empty()) fail(node_[key], path(key), "must not be empty");
    return v;
  }
  // All keys must have been read; any other key is an error (a typo should never be ignored).
  void finish(const std::vector<std::string>& extra_valid = {}) const {
    for (const auto& kv : node_) {
      auto key = kv.first.as<std::string>();
      if (!seen_.count(key)) {
        std::string valid;
        for (const auto& k : seen_) valid += (valid.empty() ? "" : ", ") + k;
        for (const auto& k : extra_valid) valid += ", " + k;
        fail(kv.first, path(key), fmt::format("unknown key (valid here: {})", valid));
      }
    }
  }
  const YAML::Node& node() const { return node_; }
  const std::string& file() const { return file_; }

 private:
  template <typename T>
  static const char* type_name() {
    if constexpr (std::is_same_v<T, bool>) return "true/false";
    else if constexpr (std::is_integral_v<T>) return "an integer";
    else if constexpr (std::is_floating_point_v<T>) return "a number";
    else return "a string";
  }
  YAML::Node node_;
  std::string file_;
  std::string where_;
  std::set<std::string> seen_;
};

// Limits of a YAML config file: its size, nesting, and the values it holds once aliases are
// expanded (an alias counts each time it is used, so an alias bomb stops at the limit).
inline constexpr std::size_t kMaxYamlFileBytes = std::size_t{16} << 20;  // 16 MiB
inline constexpr int kMaxYamlDepth = 64;
inline constexpr std::size_t kMaxYamlNodes = 100'000;
inline constexpr std::size_t kMaxYamlExpandedBytes = std::size_t{64} << 20;  // keys and values, aliases expanded

// Parses a YAML config file. `what` names the kind of file in errors ("suite", "tournament", ...).
// Every problem is a ConfigError naming the file, the line and the key path: "cannot read the <what>
// file" (line 0), a YAML syntax error, "the <what> file is empty", a limit above broken, a duplicate
// key (YAML forbids them; the parser would keep the first silently), a key that is a list or a
// mapping, a value that is not valid UTF-8. The root is returned as parsed; MapReader(root, ...)
// checks that it is a mapping.
YAML::Node load_yaml_file(const std::filesystem::path& path, const std::string& what);

// YAML to JSON with scalars typed (bool, integer, number, string; quoted scalars stay strings).
nlohmann::json yaml_to_json(const YAML::Node& node);

// Sampling parameters under `key` (absent: all unset).
SamplingParams read_params(MapReader& parent, const std::string& key);

// A mapping under `key` as JSON (absent: `fallback`).
nlohmann::json read_json_block(MapReader& parent, const std::string& key, nlohmann::json fallback);

}  // namespace gauntlet::harness
