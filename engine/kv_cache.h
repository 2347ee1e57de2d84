#pragma once
// KvSequence: the keys and values of one sequence as Forward reads and writes them: per layer, one
// row [kv_heads, head_dim] per position (after k-norm and RoPE), held in blocks of block_size()
// consecutive positions. KvCache keeps them contiguous (one block); the serving scheduler's
// PagedSequence (engine/serve/) in fixed-size blocks shared copy-on-write. Forward's arithmetic does
// not depend on the layout (kernels.h attend_blocks), so both give identical logits.
// KvCache: f32, per layer [tokens, kv_heads, head_dim]; truncate() rewinds it (e.g. to reuse a
// shared prefix).
#include <climits>
#include <cstdint>
#include <vector>

#include "engine/model/config.h"

namespace gauntlet::engine {

class KvSequence {
 public:
  virtual ~KvSequence() = default;

  virtual int size() const = 0;         // tokens held
  virtual int row_size() const = 0;     // kv_heads * head_dim
  virtual int num_layers() const = 0;
  virtual int block_size() const = 0;   // positions per block
  // Grows to `tokens` (new rows uninitialised for the caller to fill, and private to this sequence)
  // or shrinks to it.
  virtual void resize(int tokens) = 0;
  // First row of block `block` of a layer; rows follow at row_size() floats.
  virtual float* k_block(int layer, int block) = 0;
  virtual float* v_block(int layer, int block) = 0;
  virtual const float* k_block(int layer, int block) const = 0;
  virtual const float* v_block(int layer, int block) const = 0;

  float* k(int layer, int pos) { return k_block(layer, pos / block_size()) + std::int64_t{pos % block_size()} * row_size(); }
  float* v(int layer, int pos) { return v_block(layer, pos / block_size()) + std::int64_t{pos % block_size()} * row_size(); }
  const float* k(int layer, int pos) const {
    return k_block(layer, pos / block_size()) + std::int64_t{pos % block_size()} * row_size();
  }
  const float* v(int layer, int pos) const {
    return v_block(layer, pos / block_size()) + std::int64_t{pos % block_size()} * row_size();
  }
};

class KvCache final : public KvSequence {
 public:
  explicit KvCache(const ModelConfig& config);

  int size() const override { return size_; }
  int row_size() const override { return row_; }
  int num_layers() const override { return static_cast<int>(k_.size()); }
  int block_size() const override { return INT_MAX; }  // one block

  void resize(int tokens) override;
  void truncate(int tokens) { if (tokens < size_) resize(tokens); }
  void clear() { resize(0); }

  float* k_block(int layer, int) override { return k_[static_cast<std::size_t>(layer)].data(); }
  float* v_block(int layer, int) override { return v_[static_cast<std::size_t>(layer)].data(); }
  const float* k_block(int layer, int) const override { return k_[static_cast<std::size_t>(layer)].data(); }
  const float* v_block(int layer, int) const override { return v_[static_cast<std::size_t>(layer)].data(); }

 private:
  int row_ = 0;
  int size_ = 0;
  std::vector<std::vector<float>> k_;  // per layer [tokens, nkv, hd]
  std::vector<std::vector<float>> v_;
};

}  // namespace gauntlet::engine
