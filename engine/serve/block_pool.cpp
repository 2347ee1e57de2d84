#include "engine/serve/block_pool.h"

#include <algorithm>
#include <string>

namespace gauntlet::engine {

namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {  // FNV-1a over the 8 bytes of v
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (8 * i)) & 0xFF;
    h *= 0x100000001B3ULL;
  }
  return h;
}

}  // namespace

std::size_t BlockPool::block_bytes(const ModelConfig& config, int block_size) {
  return static_cast<std::size_t>(config.num_layers) * 2 * static_cast<std::size_t>(block_size) *
         static_cast<std::size_t>(config.num_kv_heads) * static_cast<std::size_t>(config.head_dim) * sizeof(float);
}

BlockPool::BlockPool(const ModelConfig& config, int num_blocks, int block_size)
    : num_blocks_(num_blocks),
      block_size_(block_size),
      row_(config.num_kv_heads * config.head_dim),
      layers_(config.num_layers) {
  if (num_blocks <= 0 || block_size <= 0)
    throw std::invalid_argument("BlockPool: the number of blocks and the block size must be positive");
  data_.reset(new float[static_cast<std::size_t>(num_blocks) * block_bytes(config, block_size) / sizeof(float)]);
  refs_.assign(static_cast<std::size_t>(num_blocks), 0);
  published_.resize(static_cast<std::size_t>(num_blocks));
  free_at_.resize(static_cast<std::size_t>(num_blocks));
  for (int b = 0; b < num_blocks; ++b) free_at_[static_cast<std::size_t>(b)] = free_.insert(free_.end(), b);
}

void BlockPool::check(int block) const {
  if (block < 0 || block >= num_blocks_) throw std::out_of_range("BlockPool: no block " + std::to_string(block));
}

int BlockPool::allocate() {
  if (free_.empty()) throw KvFullError("the KV cache has no free block (" + std::to_string(num_blocks_) + " blocks)");
  const int block = free_.front();
  free_.pop_front();
  forget(block);
  refs_[static_cast<std::size_t>(block)] = 1;
  return block;
}

void BlockPool::retain(int block) {
  check(block);
  int& r = refs_[static_cast<std::size_t>(block)];
  if (r == 0) free_.erase(free_at_[static_cast<std::size_t>(block)]);
  ++r;
}

void BlockPool::release(int block) {
  check(block);
  int& r = refs_[static_cast<std::size_t>(block)];
  if (r <= 0) throw std::logic_error("BlockPool: block " + std::to_string(block) + " released more than retained");
  if (--r == 0) free_at_[static_cast<std::size_t>(block)] = free_.insert(free_.end(), block);
}

void BlockPool::copy(int from, int to) {
  check(from);
  check(to);
  const std::size_t n = static_cast<std::size_t>(layers_) * 2 * static_cast<std::size_t>(block_size_) * static_cast<std::size_t>(row_);
  std::copy_n(data_.get() + offset(from, 0, 0), n, data_.get() + offset(to, 0, 0));
}

std::uint64_t BlockPool::chain_hash(std::uint64_t previous, std::uint64_t salt, std::span<const int> tokens) {
  std::uint64_t h = mix(mix(0xCBF29CE484222325ULL, previous), salt);
  for (int t : tokens) h = mix(h, static_cast<std::uint32_t>(t));
  return h;
}

std::optional<int> BlockPool::lookup(std::uint64_t hash, std::span<const int> tokens) {
  const auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return std::nullopt;
  const auto& p = published_[static_cast<std::size_t>(it->second)];
  if (!p || !std::equal(p->tokens.begin(), p->tokens.end(), tokens.begin(), tokens.end())) return std::nullopt;
  retain(it->second);
  ++prefix_hits_;
  return it->second;
}

void BlockPool::publish(int block, std::uint64_t hash, std::span<const int> tokens) {
  check(block);
  if (published_[static_cast<std::size_t>(block)] || by_hash_.count(hash)) return;
  published_[static_cast<std::size_t>(block)] = Published{hash, std::vector<int>(tokens.begin(), tokens.end())};
  by_hash_[hash] = block;
}

void BlockPool::forget(int block) {
  auto& p = published_[static_cast<std::size_t>(block)];
  if (!p) return;
  by_hash_.erase(p->hash);
  p.reset();
}

}  // namespace gauntlet::engine
