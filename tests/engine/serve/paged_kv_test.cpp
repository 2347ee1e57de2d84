// BlockPool and PagedSequence: allocation and the free list, reference counts, copy-on-write of a
// shared partial block, the prefix cache (publish, lookup, tokens checked, eviction on reuse) and
// that a full pool fails cleanly.
#include <gtest/gtest.h>

#include <vector>

#include "engine/serve/block_pool.h"
#include "engine/serve/paged_sequence.h"

namespace {

using namespace gauntlet::engine;

ModelConfig tiny_config() {
  ModelConfig c;
  c.num_layers = 2;
  c.num_kv_heads = 1;
  c.head_dim = 2;
  return c;
}

TEST(PagedKvTest, ForkSharesBlocksAndCopiesTheSharedPartialBlockOnWrite) {
  BlockPool pool(tiny_config(), 8, 4);
  auto a = std::make_unique<PagedSequence>(pool);
  a->resize(6);  // 2 blocks, the second partly filled
  for (int pos = 0; pos < 6; ++pos) a->k(1, pos)[0] = static_cast<float>(pos);
  EXPECT_EQ(pool.used_blocks(), 2);
  auto b = a->fork();
  EXPECT_EQ(pool.used_blocks(), 2);
  EXPECT_EQ(pool.ref_count(a->blocks()[1]), 2);
  b->resize(7);  // writes position 6 into the shared partial block: b gets its own copy
  EXPECT_EQ(pool.used_blocks(), 3);
  EXPECT_EQ(a->blocks()[0], b->blocks()[0]);
  EXPECT_NE(a->blocks()[1], b->blocks()[1]);
  EXPECT_EQ(b->k(1, 5)[0], 5.0f);  // copied contents
  b->k(1, 6)[0] = 60.0f;
  a->resize(7);  // a is now the only holder of its block: no copy
  EXPECT_EQ(pool.used_blocks(), 3);
  a->k(1, 6)[0] = 70.0f;
  EXPECT_EQ(b->k(1, 6)[0], 60.0f);
  a.reset();
  b.reset();
  EXPECT_EQ(pool.free_blocks(), 8);
}

TEST(PagedKvTest, PrefixCacheFindsPublishedBlocksUntilTheyAreReused) {
  BlockPool pool(tiny_config(), 3, 2);
  const std::vector<int> tokens = {1, 2, 3, 4};
  const auto h0 = BlockPool::chain_hash(0, 7, std::span<const int>(tokens).first(2));
  const auto h1 = BlockPool::chain_hash(h0, 7, std::span<const int>(tokens).subspan(2));
  EXPECT_NE(h0, BlockPool::chain_hash(0, 8, std::span<const int>(tokens).first(2)));  // the salt counts
  {
    PagedSequence s(pool);
    s.resize(4);
    pool.publish(s.blocks()[0], h0, std::span<const int>(tokens).first(2));
    pool.publish(s.blocks()[1], h1, std::span<const int>(tokens).subspan(2));
  }
  EXPECT_EQ(pool.free_blocks(), 3);  // freed, still findable
  auto found = pool.lookup(h0, std::span<const int>(tokens).first(2));
  ASSERT_TRUE(found);
  EXPECT_EQ(pool.ref_count(*found), 1);
  EXPECT_FALSE(pool.lookup(h1, std::vector<int>{9, 9}));  // tokens are checked, not just the hash
  PagedSequence s(pool);
  s.adopt(std::vector<int>{*found});
  EXPECT_EQ(s.size(), 2);
  EXPECT_EQ(pool.prefix_hits(), 1);
  // Two more allocations take the least recently freed blocks, the second published one included.
  PagedSequence t(pool);
  t.resize(4);
  EXPECT_FALSE(pool.lookup(h1, std::span<const int>(tokens).subspan(2)));
  EXPECT_THROW(s.resize(3), KvFullError);
  EXPECT_EQ(s.size(), 2);
}

TEST(PagedKvTest, AFullPoolThrowsAndLeavesTheSequenceAsItWas) {
  BlockPool pool(tiny_config(), 2, 4);
  PagedSequence a(pool);
  a.resize(5);
  auto b = a.fork();
  EXPECT_THROW(b->resize(13), KvFullError);  // needs a copy and two fresh blocks, one is free
  EXPECT_EQ(b->size(), 5);
  EXPECT_EQ(pool.used_blocks(), 2);
  b->resize(2);
  EXPECT_EQ(pool.used_blocks(), 2);  // block 0 still shared with a
  b.reset();
  a.resize(0);
  EXPECT_EQ(pool.free_blocks(), 2);
}

}  // namespace
