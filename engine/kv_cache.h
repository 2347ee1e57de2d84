#pragma once
// KvCache: the keys and values of one sequence, f32, per layer [tokens, kv_heads, head_dim] (after
// k-norm and RoPE). Forward appends to it; truncate() rewinds it (e.g. to reuse a shared prefix).
#include <cstdint>
#include <vector>

#include "engine/model/config.h"

namespace gauntlet::engine {

class KvCache {
 public:
  explicit KvCache(const ModelConfig& config);

  int size() const { return size_; }        // tokens held
  int row_size() const { return row_; }     // kv_heads * head_dim
  int num_layers() const { return static_cast<int>(k_.size()); }

  // Grows to `tokens` (new rows uninitialised for the caller to fill) or shrinks to it.
  void resize(int tokens);
  void truncate(int tokens) { if (tokens < size_) resize(tokens); }
  void clear() { resize(0); }

  float* k(int layer, int pos) { return k_[static_cast<std::size_t>(layer)].data() + std::int64_t{pos} * row_; }  // [nkv, hd]
  float* v(int layer, int pos) { return v_[static_cast<std::size_t>(layer)].data() + std::int64_t{pos} * row_; }  // [nkv, hd]
  const float* k(int layer, int pos) const { return k_[static_cast<std::size_t>(layer)].data() + std::int64_t{pos} * row_; }
  const float* v(int layer, int pos) const { return v_[static_cast<std::size_t>(layer)].data() + std::int64_t{pos} * row_; }

 private:
  int row_ = 0;
  int size_ = 0;
  std::vector<std::vector<float>> k_;  // per layer [tokens, nkv, hd]
  std::vector<std::vector<float>> v_;
};

}  // namespace gauntlet::engine
