#pragma once
// The AVX2 + FMA (+ F16C) inner loops of matmul and attention, chosen at run time when the CPU has them (the build
// itself targets baseline x86-64). Internal to kernels.cpp.
#include <cstdint>

#include "engine/model/tensor.h"

namespace gauntlet::engine::avx2 {

bool available();  // false on other architectures or CPUs

// out[t, o] = Σ_i x[t, i] · w[o, i] + (bias ? bias[o] : 0) for o in [begin, end); x [T, in],
// w [out, in], out [T, out]. An output's summation order depends on `in` and on the token's place in
// the batch, never on the row range, so results do not depend on how rows are split between threads.
void matmul_rows(const float* x, std::int64_t tokens, const TensorView& w, std::int64_t begin, std::int64_t end,
                 const float* bias, float* out);

// As matmul_rows, but every output is computed as the one-token loop computes it, whatever
// `tokens` is and wherever the token sits (kernels.h's matmul_invariant).
void matmul_rows_invariant(const float* x, std::int64_t tokens, const TensorView& w, std::int64_t begin,
                           std::int64_t end, const float* bias, float* out);

// kernels.h's attend_blocks with 8-wide FMA dot products and value accumulation.
void attend_blocks(const float* q, const float* const* k_blocks, const float* const* v_blocks, int block_size,
                   std::int64_t stride, int n_ctx, int head_dim, float scale, float* scores, float* out);

}  // namespace gauntlet::engine::avx2
