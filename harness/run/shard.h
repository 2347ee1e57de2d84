#pragma once
// Shard: a deterministic 1/count slice of a run's work (suite items, tournament matches): every
// count-th unit from index, in the config's order, so shards run on different nodes cover it once.
#include <string>

namespace gauntlet::harness {

struct Shard {
  int index = 0;  // 0-based
  int count = 1;
  std::string to_string() const;
  bool contains(long long unit) const { return unit % count == index; }
  // "i/n" with 0 <= i <= n, taken mod n: 0-based (0..n-1, as SLURM_ARRAY_TASK_ID) and 1-based
  // (1..n) numbering both cover every item exactly once. Throws UsageError otherwise.
  static Shard parse(const std::string& text);
};

}  // namespace gauntlet::harness
