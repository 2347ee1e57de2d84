#include "engine/cpu/kernels_avx2.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#define GAUNTLET_AVX2 __attribute__((target("avx2,fma,f16c")))

namespace gauntlet::engine::avx2 {

namespace {

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

// Dot products of kRows (1 or 2) consecutive weight rows with 4 tokens, one accumulator per
// (row, token), all in registers: each weight vector is converted once for 4 tokens, each x vector
// loaded once for the rows.
template <DType kType, int kRows>
GAUNTLET_AVX2 inline void block_4_tokens(const unsigned char* row0, std::int64_t row_bytes, const float* x,
                                         std::int64_t n, std::int64_t o, std::int64_t t, std::int64_t n_out,
                                         const float* bias, float* out) {
  static_assert(kRows == 1 || kRows == 2);
  const std::int64_t end8 = n / 8 * 8;
  const float* x0 = x + t * n;
  const float* x1 = x0 + n;
  const float* x2 = x1 + n;
  const float* x3 = x2 + n;
  const unsigned char* row1 = row0 + (kRows == 2 ? row_bytes : 0);
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;  // row 0, tokens 0..3
  __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0;                   // row 1
  for (std::int64_t i = 0; i < end8; i += 8) {
    const __m256 v0 = _mm256_loadu_ps(x0 + i), v1 = _mm256_loadu_ps(x1 + i);
    const __m256 v2 = _mm256_loadu_ps(x2 + i), v3 = _mm256_loadu_ps(x3 + i);
    const __m256 w0 = load8<kType>(row0, i);
    a0 = _mm256_fmadd_ps(w0, v0, a0);
    a1 = _mm256_fmadd_ps(w0, v1, a1);
    a2 = _mm256_fmadd_ps(w0, v2, a2);
    a3 = _mm256_fmadd_ps(w0, v3, a3);
    if constexpr (kRows == 2) {
      const __m256 w1 = load8<kType>(row1, i);
      b0 = _mm256_fmadd_ps(w1, v0, b0);
      b1 = _mm256_fmadd_ps(w1, v1, b1);
      b2 = _mm256_fmadd_ps(w1, v2, b2);
      b3 = _mm256_fmadd_ps(w1, v3, b3);
    }
  }
  const float* xs[4] = {x0, x1, x2, x3};
  const __m256 accs[2][4] = {{a0, a1, a2, a3}, {b0, b1, b2, b3}};
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < 4; ++j) {
      float s = hsum(accs[r][j]);
      for (std::int64_t i = end8; i < n; ++i) s = std::fma(xs[j][i], load1<kType>(row0 + r * row_bytes, i), s);
      out[(t + j) * n_out + o + r] = s + (bias ? bias[o + r] : 0.0f);
    }
}

// One row with one token: four accumulators over the row, so a single stream runs at memory speed.
template <DType kType>
GAUNTLET_AVX2 inline float dot_1_token(const void* row, const float* xt, std::int64_t n) {
  const std::int64_t end8 = n / 8 * 8, end32 = n / 32 * 32;
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  std::int64_t i = 0;
  for (; i < end32; i += 32) {
    a0 = _mm256_fmadd_ps(load8<kType>(row, i), _mm256_loadu_ps(xt + i), a0);
    a1 = _mm256_fmadd_ps(load8<kType>(row, i + 8), _mm256_loadu_ps(xt + i + 8), a1);
    a2 = _mm256_fmadd_ps(load8<kType>(row, i + 16), _mm256_loadu_ps(xt + i + 16), a2);
    a3 = _mm256_fmadd_ps(load8<kType>(row, i + 24), _mm256_loadu_ps(xt + i + 24), a3);
  }
  for (; i < end8; i += 8) a0 = _mm256_fmadd_ps(load8<kType>(row, i), _mm256_loadu_ps(xt + i), a0);
  float s = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  for (; i < n; ++i) s = std::fma(xt[i], load1<kType>(row, i), s);
  return s;
}

// Rows in pairs; for each pair, tokens in blocks of 4 (each weight converted once per 4 tokens), then
// the remaining tokens one by one, each row streamed front to back (interleaving many rows defeats
// the hardware prefetcher in the memory-bound decode case). An output's summation order depends
// only on `in` and on its token's place in the batch, never on which rows are computed with it, so
// the split between threads does not change any result.
template <DType kType>
GAUNTLET_AVX2 void rows_impl(const float* x, std::int64_t tokens, const TensorView& w, std::int64_t begin,
                             std::int64_t end, const float* bias, float* out) {
  const std::int64_t n_out = w.shape[0], n = w.shape[1];
  const std::int64_t row_bytes = n * static_cast<std::int64_t>(dtype_size(kType));
  const auto* base = static_cast<const unsigned char*>(w.data);
  if (tokens == 1) {
    // One token (decode) is memory-bound: read the rows as two long sequential streams (the range
    // cut in halves, one row of each in turn), which keeps more memory requests in flight than one
    // stream (on the build machine, one core: ~10% faster decode; 3 or 4 streams no better, 6
    // worse). Each row is still one dot_1_token, so results do not change.
    constexpr std::int64_t kStreams = 2, kMinRowsPerStream = 16;
    const std::int64_t rows = end - begin;
    const std::int64_t streams = std::clamp<std::int64_t>(rows / kMinRowsPerStream, 1, kStreams);
    const std::int64_t per = rows / streams;  // the last stream also takes the remainder
    auto row = [&](std::int64_t r) {
      out[r] = dot_1_token<kType>(base + r * row_bytes, x, n) + (bias ? bias[r] : 0.0f);
    };
    for (std::int64_t i = 0; i < per; ++i)
      for (std::int64_t s = 0; s < streams; ++s) row(begin + s * per + i);
    for (std::int64_t r = begin + streams * per; r < end; ++r) row(r);
    return;
  }
  const std::int64_t blocked = tokens / 4 * 4;
  // Rows outermost: a row (pair) stays in L1 while every token uses it.
  std::int64_t o = begin;
  for (; o + 2 <= end; o += 2) {
    for (std::int64_t t = 0; t < blocked; t += 4)
      block_4_tokens<kType, 2>(base + o * row_bytes, row_bytes, x, n, o, t, n_out, bias, out);
    for (std::int64_t r = o; r < o + 2; ++r)
      for (std::int64_t t = blocked; t < tokens; ++t)
        out[t * n_out + r] = dot_1_token<kType>(base + r * row_bytes, x + t * n, n) + (bias ? bias[r] : 0.0f);
  }
  for (; o < end; ++o) {
    for (std::int64_t t = 0; t < blocked; t += 4)
      block_4_tokens<kType, 1>(base + o * row_bytes, row_bytes, x, n, o, t, n_out, bias, out);
    for (std::int64_t t = blocked; t < tokens; ++t)
      out[t * n_out + o] = dot_1_token<kType>(base + o * row_bytes, x + t * n, n) + (bias ? bias[o] : 0.0f);
  }
}

// softmax in place (max-subtracted, f32), as kernels.cpp's softmax.
void softmax_f32(float* x, int n) {
  float mx = x[0];
  for (int i = 1; i < n; ++i) mx = std::max(mx, x[i]);
  float sum = 0;
  for (int i = 0; i < n; ++i) sum += (x[i] = std::exp(x[i] - mx));
  const float inv = 1.0f / sum;
  for (int i = 0; i < n; ++i) x[i] *= inv;
}

}  // namespace

GAUNTLET_AVX2 void attend(const float* q, const float* keys, const float* values, std::int64_t stride, int n_ctx,
                          int head_dim, float scale, float* scores, float* out) {
  for (int j = 0; j < n_ctx; ++j) scores[j] = dot_1_token<DType::kF32>(keys + j * stride, q, head_dim) * scale;
  softmax_f32(scores, n_ctx);
  const int end8 = head_dim / 8 * 8;
  for (int d = 0; d < end8; d += 8) {  // 8 output dims at a time, positions in order
    __m256 acc = _mm256_setzero_ps();
    for (int j = 0; j < n_ctx; ++j)
      acc = _mm256_fmadd_ps(_mm256_set1_ps(scores[j]), _mm256_loadu_ps(values + j * stride + d), acc);
    _mm256_storeu_ps(out + d, acc);
  }
  for (int d = end8; d < head_dim; ++d) {
    float acc = 0;
    for (int j = 0; j < n_ctx; ++j) acc = std::fma(scores[j], values[j * stride + d], acc);
    out[d] = acc;
  }
}

// F16C from CPUID leaf 1 (ECX bit 29): clang's __builtin_cpu_supports does not know "f16c".
static bool has_f16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_F16C) != 0;
}

bool available() {
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && has_f16c();
  return ok;
}

void matmul_rows(const float* x, std::int64_t tokens, const TensorView& w, std::int64_t begin, std::int64_t end,
                 const float* bias, float* out) {
  switch (w.dtype) {
    case DType::kF32: rows_impl<DType::kF32>(x, tokens, w, begin, end, bias, out); return;
    case DType::kBF16: rows_impl<DType::kBF16>(x, tokens, w, begin, end, bias, out); return;
    case DType::kF16: rows_impl<DType::kF16>(x, tokens, w, begin, end, bias, out); return;
  }
}

}  // namespace gauntlet::engine::avx2

#else

namespace gauntlet::engine::avx2 {

bool available() { return false; }
void matmul_rows(const float*, std::int64_t, const TensorView&, std::int64_t, std::int64_t, const float*, float*) {}
void attend(const float*, const float*, const float*, std::int64_t, int, int, float, float*, float*) {}

}  // namespace gauntlet::engine::avx2

#endif
