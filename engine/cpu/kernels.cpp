#include "engine/cpu/kernels.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

#include "engine/cpu/kernels_avx2.h"
#include "engine/cpu/kernels_avx512.h"
#include "engine/cpu/kernels_avx512bf16.h"
#include "engine/cpu/thread_pool.h"

namespace gauntlet::engine {

namespace {

std::atomic<int> isa_limit{static_cast<int>(KernelIsa::kAvx512Bf16)};

// Every f16 bit pattern as f32 (256 KiB, built once).
const float* f16_table() {
  static const std::vector<float> table = [] {
    std::vector<float> t(65536);
    for (std::uint32_t i = 0; i < 65536; ++i) t[i] = f16_to_f32(static_cast<std::uint16_t>(i));
    return t;
  }();
  return table.data();
}

void bf16_row_to_f32(const std::uint16_t* src, std::int64_t n, float* dst) {
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint32_t bits = static_cast<std::uint32_t>(src[i]) << 16;
    std::memcpy(dst + i, &bits, 4);
  }
}

void f16_row_to_f32(const std::uint16_t* src, std::int64_t n, float* dst) {
  const float* table = f16_table();
  for (std::int64_t i = 0; i < n; ++i) dst[i] = table[src[i]];
}

// Pointer to row `row` of w as f32: straight into the map for f32, else converted into scratch.
const float* row_f32(const TensorView& w, std::int64_t row, std::int64_t n, float* scratch) {
  switch (w.dtype) {
    case DType::kF32: return static_cast<const float*>(w.data) + row * n;
    case DType::kBF16: bf16_row_to_f32(static_cast<const std::uint16_t*>(w.data) + row * n, n, scratch); return scratch;
    case DType::kF16: f16_row_to_f32(static_cast<const std::uint16_t*>(w.data) + row * n, n, scratch); return scratch;
  }
  return scratch;
}

}  // namespace

void limit_kernel_isa(KernelIsa limit) { isa_limit.store(static_cast<int>(limit)); }

KernelIsa kernel_isa() {
  const int limit = isa_limit.load(std::memory_order_relaxed);
  if (limit >= static_cast<int>(KernelIsa::kAvx512Bf16) && avx2::available() && avx512bf16::available())
    return KernelIsa::kAvx512Bf16;
  if (limit >= static_cast<int>(KernelIsa::kAvx2) && avx2::available()) return KernelIsa::kAvx2;
  return KernelIsa::kPortable;
}

float dot(const float* a, const float* b, std::int64_t n) {
  constexpr int kLanes = 16;
  float acc[kLanes] = {};
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) acc[j] += a[i + j] * b[i + j];
  float tail = 0;
  for (; i < n; ++i) tail += a[i] * b[i];
  for (int j = 0; j < kLanes / 2; ++j) acc[j] += acc[j + kLanes / 2];
  for (int j = 0; j < kLanes / 4; ++j) acc[j] += acc[j + kLanes / 4];
  return (acc[0] + acc[2]) + (acc[1] + acc[3]) + tail;
}

void load_row(const TensorView& t, std::int64_t row, float* out) {
  const std::int64_t n = t.shape.size() >= 2 ? t.shape[1] : t.numel();
  const float* src = row_f32(t, row, n, out);
  if (src != out) std::memcpy(out, src, static_cast<std::size_t>(n) * sizeof(float));
}

namespace {

// The bias as f32 ([out]); empty when there is none.
std::vector<float> bias_as_f32(const TensorView* bias, std::int64_t n_out) {
  std::vector<float> out;
  if (bias && bias->data) {
    out.resize(static_cast<std::size_t>(n_out));
    load_row(*bias, 0, out.data());
  }
  return out;
}

}  // namespace

void matmul(const float* x, std::int64_t tokens, const TensorView& w, float* out, ThreadPool& pool,
            const TensorView* bias) {
  const std::int64_t n_out = w.shape[0], n_in = w.shape[1];
  const std::vector<float> bias_f32 = bias_as_f32(bias, n_out);
  // Enough rows per chunk that a thread's share is worth waking it for.
  const std::int64_t min_rows = std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, n_in * tokens));
  const KernelIsa isa = kernel_isa();
  if (isa == KernelIsa::kAvx512Bf16 && w.dtype == DType::kBF16 && tokens >= 2) {
    // Split the activations once ([T, 3, padded(in)]); every row tile then reads them.
    thread_local std::vector<std::uint16_t> parts;
    parts.resize(static_cast<std::size_t>(tokens * avx512bf16::kParts * avx512bf16::padded(n_in)));
    avx512bf16::split(x, tokens, n_in, parts.data());
    const std::uint16_t* split = parts.data();  // the caller's buffer (a thread_local is per thread)
    const float* b = bias_f32.empty() ? nullptr : bias_f32.data();
    pool.parallel_for(n_out, [&](std::int64_t begin, std::int64_t end) {
      avx512bf16::matmul_rows(split, tokens, w, begin, end, b, out);
    }, std::max<std::int64_t>(2, min_rows));
    return;
  }
  if (isa != KernelIsa::kPortable) {
    const float* b = bias_f32.empty() ? nullptr : bias_f32.data();
    pool.parallel_for(n_out, [&](std::int64_t begin, std::int64_t end) {
      avx2::matmul_rows(x, tokens, w, begin, end, b, out);
    }, min_rows);
    return;
  }
  pool.parallel_for(n_out, [&](std::int64_t begin, std::int64_t end) {
    thread_local std::vector<float> scratch;
    if (scratch.size() < static_cast<std::size_t>(n_in)) scratch.resize(static_cast<std::size_t>(n_in));
    for (std::int64_t o = begin; o < end; ++o) {
      const float* wrow = row_f32(w, o, n_in, scratch.data());  // [in]
      const float b = bias_f32.empty() ? 0.0f : bias_f32[static_cast<std::size_t>(o)];
      for (std::int64_t t = 0; t < tokens; ++t) out[t * n_out + o] = dot(x + t * n_in, wrow, n_in) + b;
    }
  }, min_rows);
}

void matmul_invariant(const float* x, std::int64_t tokens, const TensorView& w, float* out, ThreadPool& pool,
                      const TensorView* bias) {
  const std::int64_t n_out = w.shape[0], n_in = w.shape[1];
  const std::vector<float> bias_f32 = bias_as_f32(bias, n_out);
  const float* b = bias_f32.empty() ? nullptr : bias_f32.data();
  const std::int64_t min_rows = std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, n_in * tokens));
  // The one-token loop of every SIMD level is AVX2's; with AVX-512 (the top level), several tokens
  // run through the same arithmetic in 16-lane registers (kernels_avx512.h).
  const KernelIsa isa = kernel_isa();
  if (isa == KernelIsa::kAvx512Bf16 && tokens >= 2 && avx512::available()) {
    pool.parallel_for(n_out, [&](std::int64_t begin, std::int64_t end) {
      avx512::matmul_rows_invariant(x, tokens, w, begin, end, b, out);
    }, std::max<std::int64_t>(2, min_rows));
    return;
  }
  if (isa != KernelIsa::kPortable) {
    pool.parallel_for(n_out, [&](std::int64_t begin, std::int64_t end) {
      avx2::matmul_rows_invariant(x, tokens, w, begin, end, b, out);
    }, min_rows);
    return;
  }
  pool.parallel_for(n_out, [&](std::int64_t begin, std::int64_t end) {  // portable: dot() per output
    thread_local std::vector<float> scratch;
    if (scratch.size() < static_cast<std::size_t>(n_in)) scratch.resize(static_cast<std::size_t>(n_in));
    for (std::int64_t o = begin; o < end; ++o) {
      const float* wrow = row_f32(w, o, n_in, scratch.data());
      const float bo = b ? b[o] : 0.0f;
      for (std::int64_t t = 0; t < tokens; ++t) out[t * n_out + o] = dot(x + t * n_in, wrow, n_in) + bo;
    }
  }, min_rows);
}

void rms_norm(const float* x, std::int64_t rows, const TensorView& weight, double eps, float* out) {
  const std::int64_t n = weight.numel();
  thread_local std::vector<float> w;
  if (w.size() < static_cast<std::size_t>(n)) w.resize(static_cast<std::size_t>(n));
  load_row(weight, 0, w.data());
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * n;
    const float scale = static_cast<float>(1.0 / std::sqrt(double(dot(xr, xr, n)) / double(n) + eps));
    float* yr = out + r * n;
    for (std::int64_t i = 0; i < n; ++i) yr[i] = (xr[i] * scale) * w[static_cast<std::size_t>(i)];
  }
}

void rope_neox(float* x, std::int64_t tokens, int heads, int head_dim, const int* positions, double theta) {
  const int half = head_dim / 2;
  std::vector<float> cos_t(static_cast<std::size_t>(half)), sin_t(static_cast<std::size_t>(half));
  for (std::int64_t t = 0; t < tokens; ++t) {
    for (int i = 0; i < half; ++i) {
      const double angle = positions[t] * std::pow(theta, -2.0 * i / head_dim);
      cos_t[static_cast<std::size_t>(i)] = static_cast<float>(std::cos(angle));
      sin_t[static_cast<std::size_t>(i)] = static_cast<float>(std::sin(angle));
    }
    for (int h = 0; h < heads; ++h) {
      float* v = x + (t * heads + h) * head_dim;
      for (int i = 0; i < half; ++i) {
        const float a = v[i], b = v[i + half];
        const float c = cos_t[static_cast<std::size_t>(i)], s = sin_t[static_cast<std::size_t>(i)];
        v[i] = a * c - b * s;
        v[i + half] = b * c + a * s;
      }
    }
  }
}

void softmax(float* x, std::int64_t n) {
  float max = x[0];
  for (std::int64_t i = 1; i < n; ++i) max = std::max(max, x[i]);
  float sum = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max);
    sum += x[i];
  }
  const float inv = 1.0f / sum;
  for (std::int64_t i = 0; i < n; ++i) x[i] *= inv;
}

void attend(const float* q, const float* keys, const float* values, std::int64_t stride, int n_ctx, int head_dim,
            float scale, float* scores, float* out) {
  attend_blocks(q, &keys, &values, std::max(n_ctx, 1), stride, n_ctx, head_dim, scale, scores, out);
}

void attend_blocks(const float* q, const float* const* k_blocks, const float* const* v_blocks, int block_size,
                   std::int64_t stride, int n_ctx, int head_dim, float scale, float* scores, float* out) {
  if (kernel_isa() != KernelIsa::kPortable) {
    avx2::attend_blocks(q, k_blocks, v_blocks, block_size, stride, n_ctx, head_dim, scale, scores, out);
    return;
  }
  auto key = [&](int j) { return k_blocks[j / block_size] + (j % block_size) * stride; };
  auto value = [&](int j) { return v_blocks[j / block_size] + (j % block_size) * stride; };
  for (int j = 0; j < n_ctx; ++j) scores[j] = dot(q, key(j), head_dim) * scale;
  softmax(scores, n_ctx);
  std::fill_n(out, head_dim, 0.0f);
  for (int j = 0; j < n_ctx; ++j) {
    const float p = scores[j];
    const float* v = value(j);
    for (int d = 0; d < head_dim; ++d) out[d] += p * v[d];
  }
}

void silu_mul(const float* gate, const float* up, std::int64_t n, float* out) {
  for (std::int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    out[i] = g / (1.0f + std::exp(-g)) * up[i];
  }
}

}  // namespace gauntlet::engine
