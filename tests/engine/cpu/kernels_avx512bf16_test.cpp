// The AVX-512 BF16 matmul (kernels_avx512bf16.h) against its plain twins: the three-part activation
// split bit for bit against reference::split_bf16, and matmul against reference::matmul_split_bf16
// and reference::matmul on random inputs. Skipped on CPUs without AVX512_BF16 (matmul then never
// chooses it; kernels_test.cpp covers the other loops).
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "engine/cpu/kernels.h"
#include "engine/cpu/kernels_avx512bf16.h"
#include "engine/cpu/kernels_reference.h"
#include "engine/cpu/thread_pool.h"

namespace {

using namespace gauntlet::engine;

class Avx512Bf16Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!avx512bf16::available()) GTEST_SKIP() << "this CPU has no AVX512_BF16";
    limit_kernel_isa(KernelIsa::kAvx512Bf16);
    ASSERT_EQ(kernel_isa(), KernelIsa::kAvx512Bf16);
  }
};

std::vector<float> normal_values(std::size_t n, std::mt19937_64& rng, float scale) {
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = normal(rng);
  return v;
}

struct Bf16Matrix {
  std::vector<std::uint16_t> data;
  TensorView view;
  Bf16Matrix(std::int64_t rows, std::int64_t cols, std::mt19937_64& rng, float scale) {
    for (float f : normal_values(static_cast<std::size_t>(rows * cols), rng, scale)) data.push_back(f32_to_bf16(f));
    view.dtype = DType::kBF16;
    view.shape = {rows, cols};
    view.data = data.data();
  }
};

TEST_F(Avx512Bf16Test, SplitMatchesReferenceBitForBitAndIsExact) {
  std::mt19937_64 rng(21);
  std::vector<float> x;
  for (float scale : {1e-30f, 1e-5f, 1.0f, 3.0f, 1e5f, 1e30f}) {
    auto v = normal_values(997, rng, scale);
    x.insert(x.end(), v.begin(), v.end());
  }
  // Edges: zeros, the smallest normal, denormals (split to 0), values whose remainders underflow,
  // ties at the bf16 rounding point, NaN.
  const float denormal = std::numeric_limits<float>::denorm_min() * 1000;
  x.insert(x.end(), {0.0f, -0.0f, FLT_MIN, -FLT_MIN, denormal, -denormal, 1.1e-36f, 1.0f + 0x1p-8f,
                     1.0f + 0x1p-8f + 0x1p-20f, -3.0f - 0x1p-7f, std::numeric_limits<float>::quiet_NaN()});
  const std::int64_t n = static_cast<std::int64_t>(x.size());
  const std::int64_t tokens = 1;
  std::vector<std::uint16_t> parts(static_cast<std::size_t>(tokens * avx512bf16::kParts * avx512bf16::padded(n)), 0xffff);
  avx512bf16::split(x.data(), tokens, n, parts.data());
  constexpr std::int64_t B = avx512bf16::kBlock;
  for (std::int64_t i = 0; i < avx512bf16::padded(n); ++i) {
    std::uint16_t want[3] = {0, 0, 0};
    if (i < n) reference::split_bf16(x[static_cast<std::size_t>(i)], want);
    for (int p = 0; p < avx512bf16::kParts; ++p) {
      const std::uint16_t got = parts[static_cast<std::size_t>((i / B) * avx512bf16::kParts * B + p * B + i % B)];
      if (i < n && std::isnan(x[static_cast<std::size_t>(i)])) {
        EXPECT_TRUE(std::isnan(bf16_to_f32(got))) << "element " << i << " part " << p;
        continue;
      }
      ASSERT_EQ(got, want[p]) << "element " << i << " (" << (i < n ? x[static_cast<std::size_t>(i)] : 0.0f)
                              << ") part " << p;
    }
    // Three parts hold an f32 exactly, unless the value is below ~2^-100 (remainders underflow).
    if (i < n && std::fabs(x[static_cast<std::size_t>(i)]) > 1e-29f) {
      const double sum = double(bf16_to_f32(want[0])) + bf16_to_f32(want[1]) + bf16_to_f32(want[2]);
      EXPECT_EQ(sum, double(x[static_cast<std::size_t>(i)])) << "element " << i;
    }
  }
}

TEST_F(Avx512Bf16Test, MatmulMatchesTwinAndExactReference) {
  struct Case {
    int tokens, in, out;
  };
  const Case cases[] = {{2, 64, 48},  {3, 31, 7},   {4, 32, 6},    {5, 33, 13},  {7, 100, 1},
                        {9, 1024, 37}, {16, 512, 130}, {33, 96, 19}, {2, 1, 5},   {70, 200, 12}};
  for (int threads : {1, 3}) {
    ThreadPool pool(threads);
    std::mt19937_64 rng(7 + threads);
    for (const auto& c : cases) {
      SCOPED_TRACE(testing::Message() << "T=" << c.tokens << " in=" << c.in << " out=" << c.out
                                      << " threads=" << threads);
      Bf16Matrix w(c.out, c.in, rng, 1.0f / std::sqrt(float(c.in)));
      Bf16Matrix bias(1, c.out, rng, 1.0f);
      bias.view.shape = {c.out};
      auto x = normal_values(static_cast<std::size_t>(c.tokens * c.in), rng, 2.0f);
      std::vector<float> got(static_cast<std::size_t>(c.tokens * c.out)), twin(got.size()), exact(got.size());
      for (const TensorView* b : {static_cast<const TensorView*>(nullptr), static_cast<const TensorView*>(&bias.view)}) {
        matmul(x.data(), c.tokens, w.view, got.data(), pool, b);
        reference::matmul_split_bf16(x.data(), c.tokens, w.view, twin.data(), b);
        reference::matmul(x.data(), c.tokens, w.view, exact.data(), b);
        for (std::size_t i = 0; i < got.size(); ++i) {
          // Only the order of f32 sums differs from the twin (and the split is exact here).
          ASSERT_NEAR(got[i], twin[i], 1e-5 + 1e-5 * std::fabs(twin[i])) << "at " << i;
          ASSERT_EQ(twin[i], exact[i]) << "at " << i;
        }
      }
    }
  }
}

TEST_F(Avx512Bf16Test, ATokensResultDoesNotDependOnTheOtherTokensInTheCall) {
  std::mt19937_64 rng(9);
  const int T = 11, in = 300, out = 29;
  Bf16Matrix w(out, in, rng, 0.05f);
  auto x = normal_values(static_cast<std::size_t>(T * in), rng, 1.0f);
  ThreadPool pool(2);
  std::vector<float> all(static_cast<std::size_t>(T * out)), pair(static_cast<std::size_t>(2 * out));
  matmul(x.data(), T, w.view, all.data(), pool);
  for (int first : {0, 4, 9}) {  // tokens [first, first + 2) as a call of their own
    matmul(x.data() + first * in, 2, w.view, pair.data(), pool);
    for (int i = 0; i < 2 * out; ++i) ASSERT_EQ(pair[static_cast<std::size_t>(i)], all[static_cast<std::size_t>(first * out + i)]);
  }
}

TEST_F(Avx512Bf16Test, TinyActivationsFollowTheTwin) {
  // Activations near the bottom of the f32 range: remainders below FLT_MIN are dropped by the
  // split (as by the twin) and denormal activations count as 0. vdpbf16ps also flushes denormal
  // products and sums, which the twin does not model: at most about FLT_MIN per product.
  std::mt19937_64 rng(13);
  const int T = 4, in = 70, out = 9;
  Bf16Matrix w(out, in, rng, 1.0f);
  auto x = normal_values(static_cast<std::size_t>(T * in), rng, 1e-36f);
  for (int i = 0; i < in; ++i) x[static_cast<std::size_t>(3 * in + i)] = std::numeric_limits<float>::denorm_min() * float(i);
  ThreadPool pool(1);
  std::vector<float> got(static_cast<std::size_t>(T * out)), twin(got.size());
  matmul(x.data(), T, w.view, got.data(), pool);
  reference::matmul_split_bf16(x.data(), T, w.view, twin.data());
  const double flushed = 3.0 * in * FLT_MIN;
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], twin[i], 1e-5 * std::fabs(twin[i]) + flushed) << i;
  for (int o = 0; o < out; ++o) EXPECT_EQ(got[static_cast<std::size_t>(3 * out + o)], 0.0f);
}

}  // namespace
