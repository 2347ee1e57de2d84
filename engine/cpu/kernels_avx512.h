#pragma once
// The AVX-512F inner loop of matmul_invariant with two or more tokens, chosen at run time when the
// CPU has AVX-512F (the build itself targets baseline x86-64). Internal to kernels.cpp.
//
// Every output is computed with exactly the arithmetic of the AVX2 one-token loop
// (kernels_avx2.cpp dot_1_token): that loop's four 8-lane accumulators over 32-element blocks are
// held as two 16-lane registers (lanes 0-7 | 8-15, 16-23 | 24-31), and each lane sees the same FMAs
// in the same order; the tail and the final sums are the same 256-bit operations. What changes is
// the blocking: 2 weight rows × 4 tokens per pass, so weights and activations are each loaded once
// per 8 (row, token) pairs.
#include <cstdint>

#include "engine/model/tensor.h"

namespace gauntlet::engine::avx512 {

bool available();  // false on other architectures or CPUs

// out[t, o] = Σ_i x[t, i] · w[o, i] + (bias ? bias[o] : 0) for o in [begin, end); x [T, in],
// w [out, in], out [T, out]; bit-identical to the AVX2 one-token loop for every output.
void matmul_rows_invariant(const float* x, std::int64_t tokens, const TensorView& w, std::int64_t begin,
                           std::int64_t end, const float* bias, float* out);

}  // namespace gauntlet::engine::avx512
