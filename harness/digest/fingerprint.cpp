#include "harness/digest/fingerprint.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/digest/checkpoint_digest.h"
#include "harness/digest/sha256.h"

namespace gauntlet::harness {
namespace {

// The checkpoint digest a definition names: its `checkpoint`, or the digest of its legacy `path`
// when that directory still exists; nullopt when it names none that can be known.
std::optional<std::string> named_checkpoint(const nlohmann::json& d) {
  if (auto it = d.find("checkpoint"); it != d.end() && it->is_string()) return it->get<std::string>();
  if (auto it = d.find("path"); it != d.end() && it->is_string()) {
    std::error_code ec;
    const std::filesystem::path dir(it->get<std::string>());
    if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
    try {
      return checkpoint_digest(dir);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string fingerprint(const nlohmann::json& definition) { return sha256_hex(definition.dump()).substr(0, 16); }

bool same_definition(const nlohmann::json& recorded, const nlohmann::json& current) {
  if (recorded == current) return true;
  if (recorded.is_array() && current.is_array()) {
    if (recorded.size() != current.size()) return false;
    for (std::size_t i = 0; i < recorded.size(); ++i)
      if (!same_definition(recorded[i], current[i])) return false;
    return true;
  }
  if (!recorded.is_object() || !current.is_object()) return false;
  const bool legacy = recorded.contains("path") || current.contains("path");
  if (legacy) {
    auto a = named_checkpoint(recorded), b = named_checkpoint(current);
    if (a && b && *a != *b) return false;
  }
  auto keys = [&](const nlohmann::json& d) {
    std::vector<std::string> out;
    for (const auto& [k, v] : d.items())
      if (!legacy || (k != "path" && k != "checkpoint")) out.push_back(k);
    return out;
  };
  if (keys(recorded) != keys(current)) return false;
  for (const auto& k : keys(recorded))
    if (!same_definition(recorded[k], current[k])) return false;
  return true;
}

}  // namespace gauntlet::harness
