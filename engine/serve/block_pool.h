#pragma once
// BlockPool: the storage of the paged KV cache. A fixed number of blocks, each holding block_size
// positions of every layer's keys and values (f32, rows [kv_heads, head_dim]); a free list;
// reference counts (a block several sequences share is copied before one of them writes into it,
// engine/serve/paged_sequence.h); and the prefix cache: full blocks published under a hash of
// everything that decided their contents (the salt, e.g. the routing, and every token up to the
// block's end), found again by later sequences with the same prefix. A block whose last reference
// goes returns to the free list but keeps its hash, so it can still be found until it is reused
// (least recently freed first). Not thread-safe: the scheduler's one thread owns it.
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "engine/model/config.h"

namespace gauntlet::engine {

// No free block is left.
class KvFullError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class BlockPool {
 public:
  BlockPool(const ModelConfig& config, int num_blocks, int block_size);
  // Bytes one block takes for a model (keys and values of every layer).
  static std::size_t block_bytes(const ModelConfig& config, int block_size);

  int num_blocks() const { return num_blocks_; }
  int block_size() const { return block_size_; }
  int row_size() const { return row_; }
  int num_layers() const { return layers_; }
  int free_blocks() const { return static_cast<int>(free_.size()); }  // reference count 0
  int used_blocks() const { return num_blocks_ - free_blocks(); }

  // A block with reference count 1 (contents undefined); throws KvFullError when none is free.
  int allocate();
  void retain(int block);
  void release(int block);
  int ref_count(int block) const { return refs_[static_cast<std::size_t>(block)]; }
  void copy(int from, int to);  // every layer's keys and values

  float* k(int block, int layer) { return data_.get() + offset(block, layer, 0); }
  float* v(int block, int layer) { return data_.get() + offset(block, layer, 1); }
  const float* k(int block, int layer) const { return data_.get() + offset(block, layer, 0); }
  const float* v(int block, int layer) const { return data_.get() + offset(block, layer, 1); }

  // The prefix cache. chain_hash(previous, salt, tokens) names a full block whose tokens are
  // `tokens` after a prefix named `previous` (0 for the first block).
  static std::uint64_t chain_hash(std::uint64_t previous, std::uint64_t salt, std::span<const int> tokens);
  // The block published under `hash` for exactly these tokens, retained for the caller; none when
  // there is none.
  std::optional<int> lookup(std::uint64_t hash, std::span<const int> tokens);
  // Makes a full block findable under `hash` (a block already published, or a hash already taken,
  // is left as it is).
  void publish(int block, std::uint64_t hash, std::span<const int> tokens);
  std::int64_t prefix_hits() const { return prefix_hits_; }  // blocks found by lookup()

 private:
  std::size_t offset(int block, int layer, int kv) const {
    return ((static_cast<std::size_t>(block) * static_cast<std::size_t>(layers_) + static_cast<std::size_t>(layer)) * 2 +
            static_cast<std::size_t>(kv)) *
           static_cast<std::size_t>(block_size_) * static_cast<std::size_t>(row_);
  }
  void check(int block) const;
  void forget(int block);  // drops the block's hash

  int num_blocks_ = 0;
  int block_size_ = 0;
  int row_ = 0;
  int layers_ = 0;
  std::unique_ptr<float[]> data_;  // [block][layer][k|v][block_size][row]; pages touched as used
  std::vector<int> refs_;
  std::list<int> free_;      // least recently freed first
  std::vector<std::list<int>::iterator> free_at_;
  struct Published {
    std::uint64_t hash = 0;
    std::vector<int> tokens;
  };
  std::vector<std::optional<Published>> published_;  // per block
  std::unordered_map<std::uint64_t, int> by_hash_;
  std::int64_t prefix_hits_ = 0;
};

}  // namespace gauntlet::engine
