#pragma once
// Plain-loop reference versions of the kernels in kernels.h: one element at a time, f32 (double
// where noted), single-threaded, no tables. Slow; for tests only. Same contracts as kernels.h.
#include <cstdint>

#include "engine/tensor.h"

namespace gauntlet::engine::reference {

float element(const TensorView& t, std::int64_t flat_index);  // any dtype, as f32

void matmul(const float* x, std::int64_t tokens, const TensorView& w, float* out,
            const TensorView* bias = nullptr);
void rms_norm(const float* x, std::int64_t rows, const TensorView& weight, double eps, float* out);
void rope_neox(float* x, std::int64_t tokens, int heads, int head_dim, const int* positions, double theta);
void softmax(float* x, std::int64_t n);
void silu_mul(const float* gate, const float* up, std::int64_t n, float* out);

}  // namespace gauntlet::engine::reference
