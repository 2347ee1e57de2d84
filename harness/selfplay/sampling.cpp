#include "harness/selfplay/sampling.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace gauntlet::harness {

std::uint64_t stable_hash(std::string_view key) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

std::uint64_t SeededRng::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::size_t SeededRng::below(std::size_t n) {
  if (n == 0) throw std::invalid_argument("SeededRng::below(0)");
  // Rejection sampling keeps every value equally likely.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    std::uint64_t x = next();
    if (x < limit) return static_cast<std::size_t>(x % n);
  }
}

std::vector<std::size_t> sample_without_replacement(std::size_t n, std::size_t k, SeededRng& rng) {
  std::vector<std::size_t> pool(n);
  std::iota(pool.begin(), pool.end(), 0);
  k = std::min(k, n);
  for (std::size_t i = 0; i < k; ++i) std::swap(pool[i], pool[i + rng.below(n - i)]);
  pool.resize(k);
  return pool;
}

std::vector<std::size_t> select_solver_batch(const std::vector<int>& entry_steps, int current_step, int window,
                                             std::size_t size, SeededRng& rng) {
  const int newest_allowed = current_step - std::max(window, 1) + 1;
  std::vector<std::size_t> fresh, old;
  for (std::size_t i = 0; i < entry_steps.size(); ++i) (entry_steps[i] >= newest_allowed ? fresh : old).push_back(i);
  std::stable_sort(fresh.begin(), fresh.end(),
                   [&](std::size_t a, std::size_t b) { return entry_steps[a] > entry_steps[b]; });
  if (fresh.size() > size) fresh.resize(size);
  for (std::size_t pick : sample_without_replacement(old.size(), size - fresh.size(), rng)) fresh.push_back(old[pick]);
  return fresh;
}

}  // namespace gauntlet::harness
