#pragma once
// AlignedVector: a std::vector whose data starts on a 64-byte boundary (a cache line, one AVX-512
// register), for activation buffers the kernels stream through: an unaligned 64-byte load spans two
// cache lines, and the batched matmul loop runs ~20% slower on such rows.
#include <cstddef>
#include <new>
#include <vector>

namespace gauntlet::engine {

template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};

  CacheLineAllocator() = default;
  template <typename U>
  CacheLineAllocator(const CacheLineAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, kAlignment); }

  template <typename U>
  bool operator==(const CacheLineAllocator<U>&) const noexcept { return true; }
};

template <typename T>
using AlignedVector = std::vector<T, CacheLineAllocator<T>>;

}  // namespace gauntlet::engine
