#pragma once
// AVX2 building blocks shared by the AVX2 and AVX-512 kernels (internal to engine/cpu/): weight
// loads widened to f32 and the fixed horizontal sum. x86-64 with GCC/Clang only; callers guard the
// include as their kernels do. Functions targeting a subset of a caller's ISA inline into it, so the
// AVX-512 kernel uses exactly these operations where it must match the AVX2 one-token loop.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "engine/model/tensor.h"

#define GAUNTLET_AVX2 __attribute__((target("avx2,fma,f16c")))

namespace gauntlet::engine::avx2_ops {

// 8 weights from element i of a row, as f32.
template <DType kType>
GAUNTLET_AVX2 inline __m256 load8(const void* row, std::int64_t i) {
  if constexpr (kType == DType::kF32) {
    return _mm256_loadu_ps(static_cast<const float*>(row) + i);
  } else {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const std::uint16_t*>(row) + i));
    if constexpr (kType == DType::kBF16)
      return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    else
      return _mm256_cvtph_ps(h);
  }
}

template <DType kType>
GAUNTLET_AVX2 inline float load1(const void* row, std::int64_t i) {
  if constexpr (kType == DType::kF32) {
    return static_cast<const float*>(row)[i];
  } else if constexpr (kType == DType::kBF16) {
    const std::uint32_t bits = static_cast<std::uint32_t>(static_cast<const std::uint16_t*>(row)[i]) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  } else {
    return _cvtsh_ss(static_cast<const std::uint16_t*>(row)[i]);
  }
}

GAUNTLET_AVX2 inline float hsum(__m256 v) {
  const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 s2 = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s2, _mm_movehdup_ps(s2)));
}

}  // namespace gauntlet::engine::avx2_ops
