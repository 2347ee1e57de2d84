#pragma once
// CPU kernels of the forward pass, on f32 activations. Weights are read in their checkpoint dtype
// (bf16 / f16 / f32) straight from the memory map, converted a row at a time, with f32
// accumulation. Each kernel has a plain-loop twin in kernels_reference.h; tests compare the two.
// Shapes in comments: T tokens, `in` / `out` the weight's input / output features.
#include <cstdint>

#include "engine/model/tensor.h"

namespace gauntlet::engine {

class ThreadPool;

// out[t, o] = Σ_i x[t, i] · w[o, i]  (+ bias[o] when bias.data).  x [T, in], w [out, in], out [T, out].
// Parallel over output rows; each weight row is converted once and used for all T tokens.
void matmul(const float* x, std::int64_t tokens, const TensorView& w, float* out, ThreadPool& pool,
            const TensorView* bias = nullptr);

// matmul with batch invariance: every output is computed by the same arithmetic (the one-token
// loop's fixed reduction order) whatever `tokens` is and wherever its token sits among them, so a
// row's result never depends on the other rows of the batch; with one token it equals matmul().
// Each weight row is read from memory once for all T tokens (the batched decode step).
void matmul_invariant(const float* x, std::int64_t tokens, const TensorView& w, float* out, ThreadPool& pool,
                      const TensorView* bias = nullptr);

// out[r, :] = x[r, :] · rsqrt(mean(x[r, :]²) + eps) · weight.  x, out [rows, n], weight [n]; in-place ok.
void rms_norm(const float* x, std::int64_t rows, const TensorView& weight, double eps, float* out);

// NEOX (rotate-half) RoPE in place: x [T, heads, head_dim]; dim i pairs with i + head_dim/2,
// angle = positions[t] · theta^(-2i/head_dim).
void rope_neox(float* x, std::int64_t tokens, int heads, int head_dim, const int* positions, double theta);

// x[0..n) ← softmax(x), max-subtracted, in place.
void softmax(float* x, std::int64_t n);

// out[i] = silu(gate[i]) · up[i], silu(g) = g / (1 + e^-g).  In-place into gate is ok.
void silu_mul(const float* gate, const float* up, std::int64_t n, float* out);

// One query head's causal attention over n_ctx cached positions:
// out [hd] = Σ_j softmax_j(scale · q·k_j) · v_j, with k_j = keys + j · stride, v_j = values + j · stride
// (the head's slice of a cache row). scores: scratch [n_ctx]. Softmax in f32, max-subtracted.
void attend(const float* q, const float* keys, const float* values, std::int64_t stride, int n_ctx, int head_dim,
            float scale, float* scores, float* out);
// attend over a cache kept in blocks (the paged KV cache): position j's key is
// k_blocks[j / block_size] + (j % block_size) · stride, its value likewise. The same arithmetic as
// attend (which is this with a single block), so a result does not depend on the block layout.
void attend_blocks(const float* q, const float* const* k_blocks, const float* const* v_blocks, int block_size,
                   std::int64_t stride, int n_ctx, int head_dim, float scale, float* scores, float* out);

// f32 copy of row `row` of a 2-D tensor (or all of a 1-D one when row == 0): out [shape[1]].
void load_row(const TensorView& t, std::int64_t row, float* out);

// matmul's inner loop: the best the CPU has (checked at run time; the build targets baseline
// x86-64), at most the limit set here (default: no limit). Tests run every one the CPU has.
//   kAvx2        AVX2 + FMA (+ F16C): weights widened to f32 in registers, f32 products and sums.
//   kAvx512Bf16  as kAvx2, except bf16 weights with two or more tokens: vdpbf16ps on activations
//                split exactly into three bf16 parts (kernels_avx512bf16.h: f32 products, about
//                2× the AVX2 loop's throughput). One token (decode) stays on the AVX2 loop, which
//                already streams weights at memory speed.
//                matmul_invariant with two or more tokens runs the one-token loop's arithmetic in
//                AVX-512F registers (kernels_avx512.h): a row × 12 tokens, then 3 rows × 4 tokens.
// (A plain AVX-512 f32 variant measured no faster on the build machine's EPYC: decode is
// memory-bound and 512-bit FMAs run as two 256-bit halves there.)
enum class KernelIsa { kPortable, kAvx2, kAvx512Bf16 };
void limit_kernel_isa(KernelIsa limit);
KernelIsa kernel_isa();  // the loop matmul uses now

// Σ a[i]·b[i] with several independent accumulators (vectorisable).
float dot(const float* a, const float* b, std::int64_t n);

}  // namespace gauntlet::engine
