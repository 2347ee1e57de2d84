#pragma once
// PagedSequence: one sequence's KV cache in a BlockPool's fixed-size blocks, listed in its block
// table. fork() shares every block with a new sequence (the n samples of one request after their
// common prefill); resize() gives the sequence private copies of the shared blocks it is about to
// write into (copy-on-write) and allocates new ones; adopt() appends full blocks found in the
// prefix cache. Its blocks go back to the pool when it is destroyed.
#include <memory>
#include <span>
#include <vector>

#include "engine/kv_cache.h"
#include "engine/serve/block_pool.h"

namespace gauntlet::engine {

class PagedSequence final : public KvSequence {
 public:
  explicit PagedSequence(BlockPool& pool) : pool_(&pool) {}
  ~PagedSequence() override;
  PagedSequence(const PagedSequence&) = delete;
  PagedSequence& operator=(const PagedSequence&) = delete;

  std::unique_ptr<PagedSequence> fork() const;
  // Appends full blocks (already retained for this sequence) after a size that is a whole number
  // of blocks.
  void adopt(std::span<const int> blocks);

  int size() const override { return size_; }
  int row_size() const override { return pool_->row_size(); }
  int num_layers() const override { return pool_->num_layers(); }
  int block_size() const override { return pool_->block_size(); }
  // Throws KvFullError (the sequence unchanged) when the pool runs out.
  void resize(int tokens) override;
  float* k_block(int layer, int block) override { return pool_->k(table_[static_cast<std::size_t>(block)], layer); }
  float* v_block(int layer, int block) override { return pool_->v(table_[static_cast<std::size_t>(block)], layer); }
  const float* k_block(int layer, int block) const override {
    return pool_->k(table_[static_cast<std::size_t>(block)], layer);
  }
  const float* v_block(int layer, int block) const override {
    return pool_->v(table_[static_cast<std::size_t>(block)], layer);
  }

  const std::vector<int>& blocks() const { return table_; }

 private:
  BlockPool* pool_;
  std::vector<int> table_;
  int size_ = 0;
};

}  // namespace gauntlet::engine
