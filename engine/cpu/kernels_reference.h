#pragma once
// Plain-loop reference versions of the kernels in kernels.h: one element at a time, f32 (double
// where noted), single-threaded, no tables. Slow; for tests only. Same contracts as kernels.h.
#include <cstdint>

#include "engine/model/tensor.h"

namespace gauntlet::engine::reference {

float element(const TensorView& t, std::int64_t flat_index);  // any dtype, as f32

void matmul(const float* x, std::int64_t tokens, const TensorView& w, float* out,
            const TensorView* bias = nullptr);
// The activation split of the AVX-512 BF16 matmul (kernels_avx512bf16.h): x = p[0] + p[1] + p[2]
// with p[0] = bf16(x), p[1] = bf16(x - p[0]), p[2] = bf16(x - p[0] - p[1]), round to nearest even,
// each remainder below FLT_MIN taken as 0.
void split_bf16(float x, std::uint16_t (&parts)[3]);
// matmul with each activation replaced by the sum of its parts (in double): what the AVX-512 BF16
// matmul computes, up to the order of its f32 sums. Equal to matmul() wherever the split is exact.
void matmul_split_bf16(const float* x, std::int64_t tokens, const TensorView& w, float* out,
                       const TensorView* bias = nullptr);
void rms_norm(const float* x, std::int64_t rows, const TensorView& weight, double eps, float* out);
void rope_neox(float* x, std::int64_t tokens, int heads, int head_dim, const int* positions, double theta);
void softmax(float* x, std::int64_t n);
void attend(const float* q, const float* keys, const float* values, std::int64_t stride, int n_ctx, int head_dim,
            float scale, float* out);  // in double
void silu_mul(const float* gate, const float* up, std::int64_t n, float* out);

}  // namespace gauntlet::engine::reference
