#pragma once
// The random choices of self-play (reference programs, the solver batch), each made by a small
// deterministic generator seeded from a string that names the choice (run seed, step, task type,
// slot), so a resumed or repeated run makes exactly the same choices.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace gauntlet::harness {

// FNV-1a over the bytes, then the splitmix64 finaliser: stable across platforms and runs.
std::uint64_t stable_hash(std::string_view key);

// splitmix64.
class SeededRng {
 public:
  explicit SeededRng(std::string_view key) : state_(stable_hash(key)) {}
  std::uint64_t next();
  std::size_t below(std::size_t n);  // uniform in [0, n); n > 0

 private:
  std::uint64_t state_;
};

// min(k, n) distinct indices of [0, n), uniformly, in the order drawn (partial Fisher-Yates).
std::vector<std::size_t> sample_without_replacement(std::size_t n, std::size_t k, SeededRng& rng);

// AZR's solver batch ("max_new"): first the entries added in the last `window` steps (step >=
// current_step - window + 1), newest step first and in buffer order within a step, up to `size`;
// the rest uniformly without replacement from the older entries. entry_steps[i] is the step that
// added entry i (-1 for seeds). Returns indices into entry_steps.
std::vector<std::size_t> select_solver_batch(const std::vector<int>& entry_steps, int current_step, int window,
                                             std::size_t size, SeededRng& rng);

}  // namespace gauntlet::harness
