#include "engine/cpu/kernels_reference.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <vector>

namespace gauntlet::engine::reference {

float element(const TensorView& t, std::int64_t i) {
  const auto* p = static_cast<const unsigned char*>(t.data) + i * static_cast<std::int64_t>(dtype_size(t.dtype));
  std::uint16_t h;
  float f;
  switch (t.dtype) {
    case DType::kF32: std::memcpy(&f, p, 4); return f;
    case DType::kBF16: std::memcpy(&h, p, 2); return bf16_to_f32(h);
    case DType::kF16: std::memcpy(&h, p, 2); return f16_to_f32(h);
  }
  return 0;
}

void matmul(const float* x, std::int64_t tokens, const TensorView& w, float* out, const TensorView* bias) {
  const std::int64_t n_out = w.shape[0], n_in = w.shape[1];
  for (std::int64_t t = 0; t < tokens; ++t)
    for (std::int64_t o = 0; o < n_out; ++o) {
      double sum = 0;
      for (std::int64_t i = 0; i < n_in; ++i) sum += double(x[t * n_in + i]) * element(w, o * n_in + i);
      if (bias && bias->data) sum += element(*bias, o);
      out[t * n_out + o] = static_cast<float>(sum);
    }
}

void split_bf16(float x, std::uint16_t (&parts)[3]) {
  for (auto& part : parts) {
    if (std::fabs(x) < FLT_MIN) x = 0.0f;
    part = f32_to_bf16(x);
    x -= bf16_to_f32(part);
  }
}

void matmul_split_bf16(const float* x, std::int64_t tokens, const TensorView& w, float* out, const TensorView* bias) {
  const std::int64_t n_in = w.shape[1];
  std::vector<float> joined(static_cast<std::size_t>(tokens * n_in));
  for (std::int64_t i = 0; i < tokens * n_in; ++i) {
    std::uint16_t parts[3];
    split_bf16(x[i], parts);
    double sum = 0;
    for (auto part : parts) sum += bf16_to_f32(part);
    joined[static_cast<std::size_t>(i)] = static_cast<float>(sum);
  }
  matmul(joined.data(), tokens, w, out, bias);
}

void rms_norm(const float* x, std::int64_t rows, const TensorView& weight, double eps, float* out) {
  const std::int64_t n = weight.numel();
  for (std::int64_t r = 0; r < rows; ++r) {
    double ss = 0;
    for (std::int64_t i = 0; i < n; ++i) ss += double(x[r * n + i]) * x[r * n + i];
    const double scale = 1.0 / std::sqrt(ss / n + eps);
    for (std::int64_t i = 0; i < n; ++i)
      out[r * n + i] = static_cast<float>(x[r * n + i] * scale) * element(weight, i);
  }
}

void rope_neox(float* x, std::int64_t tokens, int heads, int head_dim, const int* positions, double theta) {
  const int half = head_dim / 2;
  for (std::int64_t t = 0; t < tokens; ++t)
    for (int h = 0; h < heads; ++h) {
      float* v = x + (t * heads + h) * head_dim;
      for (int i = 0; i < half; ++i) {
        const double angle = positions[t] * std::pow(theta, -2.0 * i / head_dim);
        const double c = std::cos(angle), s = std::sin(angle);
        const double a = v[i], b = v[i + half];
        v[i] = static_cast<float>(a * c - b * s);         // x·cos + (-x2)·sin
        v[i + half] = static_cast<float>(b * c + a * s);  // x2·cos + x1·sin
      }
    }
}

void softmax(float* x, std::int64_t n) {
  double max = x[0];
  for (std::int64_t i = 1; i < n; ++i) max = std::fmax(max, x[i]);
  double sum = 0;
  for (std::int64_t i = 0; i < n; ++i) sum += std::exp(x[i] - max);
  for (std::int64_t i = 0; i < n; ++i) x[i] = static_cast<float>(std::exp(x[i] - max) / sum);
}

void silu_mul(const float* gate, const float* up, std::int64_t n, float* out) {
  for (std::int64_t i = 0; i < n; ++i) {
    const double g = gate[i];
    out[i] = static_cast<float>(g / (1.0 + std::exp(-g)) * up[i]);
  }
}

void attend(const float* q, const float* keys, const float* values, std::int64_t stride, int n_ctx, int head_dim,
            float scale, float* out) {
  std::vector<double> p(static_cast<std::size_t>(n_ctx));
  double mx = -INFINITY, sum = 0;
  for (int j = 0; j < n_ctx; ++j) {
    double s = 0;
    for (int d = 0; d < head_dim; ++d) s += double(q[d]) * keys[j * stride + d];
    p[static_cast<std::size_t>(j)] = s * scale;
    mx = std::max(mx, p[static_cast<std::size_t>(j)]);
  }
  for (auto& v : p) sum += (v = std::exp(v - mx));
  for (int d = 0; d < head_dim; ++d) {
    double acc = 0;
    for (int j = 0; j < n_ctx; ++j) acc += p[static_cast<std::size_t>(j)] / sum * values[j * stride + d];
    out[d] = static_cast<float>(acc);
  }
}

}  // namespace gauntlet::engine::reference
