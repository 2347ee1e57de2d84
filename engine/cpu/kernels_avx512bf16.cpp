#include "engine/cpu/kernels_avx512bf16.h"

#if defined(__x86_64__) && defined(__GNUC__)
// GCC 12's AVX-512 headers fill unused mask-source operands with _mm512_undefined_*(), which
// -Wuninitialized reports once inlined at -O2 (a known false positive in the headers).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cfloat>

#define GAUNTLET_AVX512BF16 __attribute__((target("avx512f,avx512bw,avx512bf16")))

namespace gauntlet::engine::avx512bf16 {

namespace {

// Tiles of kTileRows weight rows × kTileTokens tokens, one accumulator each: 18 accumulators,
// 6 weight vectors and 3 activation parts fit the 32 zmm registers.
constexpr int kTileRows = 6;
constexpr int kTileTokens = 3;
// Cache blocking: a chunk of weight rows and a chunk of tokens' split activations (about 256 KiB
// each) stay in L2 while all their tiles are computed; weights come from memory once.
constexpr std::int64_t kChunkBytes = 256 * 1024;

// Σ of the 16 lanes, always by the same tree (halves, then quarters, then within 128 bits).
GAUNTLET_AVX512BF16 inline float hsum(__m512 v) {
  __m512 s = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0x4E));
  s = _mm512_add_ps(s, _mm512_shuffle_f32x4(s, s, 0xB1));
  __m128 q = _mm512_castps512_ps128(s);
  q = _mm_add_ps(q, _mm_movehl_ps(q, q));
  return _mm_cvtss_f32(_mm_add_ss(q, _mm_movehdup_ps(q)));
}

// acc[r][t] += w[r] · x[t] over one block of kBlock elements, part 0, then 1, then 2. `x` points at
// token 0's block (its parts side by side); tokens are `token_stride` elements apart.
template <int kRows, int kTokens>
GAUNTLET_AVX512BF16 inline void accumulate(__m512 (&acc)[kRows][kTokens], const __m512i (&wv)[kRows],
                                           const std::uint16_t* x, std::int64_t token_stride) {
#pragma GCC unroll 4
  for (int t = 0; t < kTokens; ++t) {
    const std::uint16_t* xt = x + t * token_stride;
    const __m512bh p0 = (__m512bh)_mm512_loadu_si512(xt);
    const __m512bh p1 = (__m512bh)_mm512_loadu_si512(xt + kBlock);
    const __m512bh p2 = (__m512bh)_mm512_loadu_si512(xt + 2 * kBlock);
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) {
      acc[r][t] = _mm512_dpbf16_ps(acc[r][t], (__m512bh)wv[r], p0);
      acc[r][t] = _mm512_dpbf16_ps(acc[r][t], (__m512bh)wv[r], p1);
      acc[r][t] = _mm512_dpbf16_ps(acc[r][t], (__m512bh)wv[r], p2);
    }
  }
}

// One tile. Every output accumulates block by block (parts in order), then hsum's fixed tree: the
// same operations whatever the tile shape, so an output never depends on its neighbours.
// prefetch_rows: how many rows after the tile's to prefetch alongside (rows read side by side
// defeat the hardware prefetcher, so the next tile's rows are fetched explicitly).
template <int kRows, int kTokens>
GAUNTLET_AVX512BF16 inline void tile(const std::uint16_t* w, std::int64_t n, const std::uint16_t* x,
                                     std::int64_t token_stride, std::int64_t o, std::int64_t t0, std::int64_t n_out,
                                     const float* bias, float* out, std::int64_t prefetch_rows) {
  __m512 acc[kRows][kTokens];  // fully unrolled loops keep these in registers
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 4
    for (int t = 0; t < kTokens; ++t) acc[r][t] = _mm512_setzero_ps();
  const std::uint16_t* xb = x + t0 * token_stride;
  const std::uint16_t* row = w + o * n;
  const std::int64_t full = n / kBlock * kBlock;
  __m512i wv[kRows];
  for (std::int64_t i = 0; i < full; i += kBlock, xb += kParts * kBlock) {
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) wv[r] = _mm512_loadu_si512(row + r * n + i);
    for (std::int64_t r = 0; r < prefetch_rows; ++r)
      _mm_prefetch(reinterpret_cast<const char*>(row + (kRows + r) * n + i), _MM_HINT_T0);
    accumulate<kRows, kTokens>(acc, wv, xb, token_stride);
  }
  if (full < n) {  // the row's tail: masked weights (the activations' padding is zero)
    const auto mask = static_cast<__mmask32>((1ull << (n - full)) - 1);
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) wv[r] = _mm512_maskz_loadu_epi16(mask, row + r * n + full);
    accumulate<kRows, kTokens>(acc, wv, xb, token_stride);
  }
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 4
    for (int t = 0; t < kTokens; ++t)
      out[(t0 + t) * n_out + o + r] = hsum(acc[r][t]) + (bias ? bias[o + r] : 0.0f);
}

// Rows [o, o + kRows) against tokens [t_begin, t_end): full tiles, then the remaining tokens.
template <int kRows>
GAUNTLET_AVX512BF16 void tiles_for_rows(const std::uint16_t* w, std::int64_t n, const std::uint16_t* x,
                                        std::int64_t token_stride, std::int64_t o, std::int64_t t_begin,
                                        std::int64_t t_end, std::int64_t n_out, const float* bias, float* out,
                                        std::int64_t prefetch_rows) {
  static_assert(kTileTokens == 3);
  std::int64_t t = t_begin;
  for (; t + kTileTokens <= t_end; t += kTileTokens, prefetch_rows = 0)
    tile<kRows, kTileTokens>(w, n, x, token_stride, o, t, n_out, bias, out, prefetch_rows);
  if (t_end - t == 2) tile<kRows, 2>(w, n, x, token_stride, o, t, n_out, bias, out, prefetch_rows);
  if (t_end - t == 1) tile<kRows, 1>(w, n, x, token_stride, o, t, n_out, bias, out, prefetch_rows);
}

// Parts of 16 values: v = p0 + p1 + p2 (each part's f32 value returned through `rest` in turn).
GAUNTLET_AVX512BF16 inline __m256i next_part(__m512& rest) {
  // Below the smallest normal: 0 (so no part is a denormal that the hardware would flush). NaN stays.
  const __mmask16 tiny = _mm512_cmp_ps_mask(_mm512_abs_ps(rest), _mm512_set1_ps(FLT_MIN), _CMP_LT_OQ);
  rest = _mm512_mask_mov_ps(rest, tiny, _mm512_setzero_ps());
  const __m256i part = (__m256i)_mm512_cvtneps_pbh(rest);
  const __m512 value = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(part), 16));
  rest = _mm512_sub_ps(rest, value);  // exact
  return part;
}

}  // namespace

bool available() {
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                         __builtin_cpu_supports("avx512bf16");
  return ok;
}

GAUNTLET_AVX512BF16 void split(const float* x, std::int64_t tokens, std::int64_t n, std::uint16_t* parts) {
  const std::int64_t token_stride = kParts * padded(n);
  for (std::int64_t t = 0; t < tokens; ++t) {
    const float* xt = x + t * n;
    std::uint16_t* pt = parts + t * token_stride;
    for (std::int64_t i = 0; i < padded(n); i += 16) {
      const auto in_row = static_cast<__mmask16>(i + 16 <= n ? 0xffff : i < n ? (1u << (n - i)) - 1 : 0);
      __m512 rest = _mm512_maskz_loadu_ps(in_row, xt + i);
      // Element i of part p: block i / kBlock, then part p's kBlock values.
      std::uint16_t* dst = pt + (i / kBlock) * kParts * kBlock + i % kBlock;
      for (int p = 0; p < kParts; ++p) _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + p * kBlock), next_part(rest));
    }
  }
}

GAUNTLET_AVX512BF16 void matmul_rows(const std::uint16_t* parts, std::int64_t tokens, const TensorView& w,
                                     std::int64_t begin, std::int64_t end, const float* bias, float* out) {
  const std::int64_t n_out = w.shape[0], n = w.shape[1];
  const std::int64_t token_stride = kParts * padded(n);
  const auto* wd = static_cast<const std::uint16_t*>(w.data);
  const std::int64_t chunk_rows = std::max<std::int64_t>(kTileRows, kChunkBytes / (2 * n) / kTileRows * kTileRows);
  const std::int64_t chunk_tokens = std::max<std::int64_t>(kTileTokens, kChunkBytes / (2 * token_stride));
  for (std::int64_t r0 = begin; r0 < end; r0 += chunk_rows) {
    const std::int64_t r1 = std::min(end, r0 + chunk_rows);
    for (std::int64_t t0 = 0; t0 < tokens; t0 += chunk_tokens) {
      const std::int64_t t1 = std::min(tokens, t0 + chunk_tokens);
      std::int64_t o = r0;
      // While a group of rows meets its first tokens, the next group is prefetched (from memory on
      // the first token chunk; later chunks find it in L2).
      for (; o + kTileRows <= r1; o += kTileRows)
        tiles_for_rows<kTileRows>(wd, n, parts, token_stride, o, t0, t1, n_out, bias, out,
                                  t0 == 0 ? std::min<std::int64_t>(kTileRows, end - o - kTileRows) : 0);
      for (; o < r1; ++o) tiles_for_rows<1>(wd, n, parts, token_stride, o, t0, t1, n_out, bias, out, 0);
    }
  }
}

}  // namespace gauntlet::engine::avx512bf16

#else

namespace gauntlet::engine::avx512bf16 {

bool available() { return false; }
void split(const float*, std::int64_t, std::int64_t, std::uint16_t*) {}
void matmul_rows(const std::uint16_t*, std::int64_t, const TensorView&, std::int64_t, std::int64_t, const float*,
                 float*) {}

}  // namespace gauntlet::engine::avx512bf16

#endif
