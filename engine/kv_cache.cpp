#include "engine/kv_cache.h"

#include <stdexcept>

namespace gauntlet::engine {

KvCache::KvCache(const ModelConfig& config)
    : row_(config.num_kv_heads * config.head_dim),
      k_(static_cast<std::size_t>(config.num_layers)),
      v_(static_cast<std::size_t>(config.num_layers)) {}

void KvCache::resize(int tokens) {
  if (tokens < 0) throw std::invalid_argument("KvCache::resize: negative size");
  const auto n = static_cast<std::size_t>(tokens) * static_cast<std::size_t>(row_);
  for (auto& k : k_) k.resize(n);  // std::vector grows geometrically: appends stay amortised O(1)
  for (auto& v : v_) v.resize(n);
  size_ = tokens;
}

}  // namespace gauntlet::engine
