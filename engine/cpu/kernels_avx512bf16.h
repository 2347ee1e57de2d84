#pragma once
// The AVX-512 BF16 (vdpbf16ps) matmul for bf16 weights and two or more tokens (prefill, experts
// with several tokens), chosen at run time when the CPU has AVX512F/BW and AVX512_BF16. Internal
// to kernels.cpp.
//
// vdpbf16ps multiplies bf16 pairs, so each f32 activation is first split into three bf16 parts, as
// reference::split_bf16 defines: x = p0 + p1 + p2 with p0 = bf16(x), p1 = bf16(x - p0),
// p2 = bf16(x - p0 - p1) (round to nearest even; a part below the smallest normal f32 becomes 0).
// Three 8-bit significands hold all 24 bits of an f32, so the split is exact for |x| from about
// 2^-100 up to the bf16 overflow, and every product bf16 · bf16 is exact in f32: the result is the
// f32 matmul's up to the order of its f32 sums (not bf16-rounded activations, as llama.cpp uses),
// and up to vdpbf16ps flushing denormal products and sums (absolute errors near 1e-38).
// On the build machine this runs about twice as fast as the AVX2 loop in prefill.
#include <cstdint>

#include "engine/model/tensor.h"

namespace gauntlet::engine::avx512bf16 {

bool available();  // false on other architectures or CPUs

constexpr int kParts = 3;
// Elements per block (one vdpbf16ps); rows are padded with zeros to a multiple.
constexpr std::int64_t kBlock = 32;
inline std::int64_t padded(std::int64_t n) { return (n + kBlock - 1) / kBlock * kBlock; }

// parts [tokens, padded(n) / kBlock, kParts, kBlock] ← the split of x [tokens, n] (padding zeroed):
// per token, block by block, the block's three parts side by side.
void split(const float* x, std::int64_t tokens, std::int64_t n, std::uint16_t* parts);

// out[t, o] = Σ_i x[t, i] · w[o, i] + (bias ? bias[o] : 0) for o in [begin, end), x given as
// split(); w bf16 [out, in]; out [tokens, out]. Each output is accumulated in the same order
// whatever rows and tokens it is computed with, so results depend neither on the thread split nor
// on which other tokens share the call.
void matmul_rows(const std::uint16_t* parts, std::int64_t tokens, const TensorView& w, std::int64_t begin,
                 std::int64_t end, const float* bias, float* out);

}  // namespace gauntlet::engine::avx512bf16
