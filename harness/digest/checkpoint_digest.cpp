#include "harness/digest/checkpoint_digest.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/digest/sha256.h"
#include "harness/input/json_file.h"

namespace gauntlet::harness {
namespace {

constexpr std::uintmax_t kCachedAbove = 1 << 20;

std::string file_digest(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot read");
  Sha256 sha;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    sha.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw std::runtime_error(path.string() + ": read failed");
  return sha.hex();
}

std::string mtime_key(const std::filesystem::path& path) {
  return std::to_string(std::filesystem::last_write_time(path).time_since_epoch().count());
}

}  // namespace

bool changes_answers(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  for (const char* ext : {".json", ".safetensors", ".txt", ".jinja", ".model", ".tiktoken"}) {
    const std::string e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

std::string checkpoint_digest(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.is_regular_file() && changes_answers(entry.path().filename().string())) files.push_back(entry.path());
  if (ec) throw std::runtime_error(dir.string() + ": cannot list the checkpoint directory: " + ec.message());
  std::sort(files.begin(), files.end());

  const auto cache_path = dir / kCheckpointDigestCache;
  nlohmann::json cache = nlohmann::json::object();
  if (std::filesystem::exists(cache_path)) {
    // Our own file, but beside the checkpoint anyone may have changed it: read within the bounded
    // reader's limits, and anything unreadable is no cache at all (the digests are computed again).
    try {
      cache = read_json_file(cache_path);
    } catch (const std::exception&) {
    }
    if (!cache.is_object()) cache = nlohmann::json::object();
  }
  bool cache_changed = false;
  Sha256 all;
  for (const auto& path : files) {
    const std::string name = path.filename().string();
    const auto size = std::filesystem::file_size(path);
    std::string digest;
    if (size > kCachedAbove) {
      const std::string stamp = std::to_string(size) + "/" + mtime_key(path);
      auto it = cache.find(name);
      if (it != cache.end() && it->is_object() && it->value("stamp", "") == stamp && it->contains("sha256") &&
          (*it)["sha256"].is_string()) {
        digest = (*it)["sha256"].get<std::string>();
      } else {
        digest = file_digest(path);
        cache[name] = {{"stamp", stamp}, {"sha256", digest}};
        cache_changed = true;
      }
    } else {
      digest = file_digest(path);
    }
    all.update(name).update(std::string(1, '\0')).update(std::to_string(size)).update(std::string(1, '\0'));
    all.update(digest).update("\n");
  }
  if (cache_changed) {
    // Best effort: a read-only checkpoint is hashed again next time. Written whole, then renamed.
    auto tmp = cache_path;
    tmp += ".tmp";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (out << cache.dump(1) << "\n" && (out.close(), !out.fail())) {
      std::filesystem::rename(tmp, cache_path, ec);
      if (ec) std::filesystem::remove(tmp, ec);
    } else {
      std::filesystem::remove(tmp, ec);
    }
  }
  return all.hex();
}

}  // namespace gauntlet::harness
