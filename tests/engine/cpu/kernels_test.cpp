// The optimised CPU kernels (kernels.h) against their plain-loop twins (kernels_reference.h) on
// random inputs: several shapes (including ones not a multiple of the vector width), f32 / bf16 /
// f16 weights, 1 and 3 threads, with and without bias; and the batch-invariant kernels' defining
// property, bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "engine/cpu/kernels.h"
#include "engine/cpu/kernels_reference.h"
#include "engine/cpu/thread_pool.h"

namespace {

using namespace gauntlet::engine;

// A TensorView over owned storage of random values (stored in `dtype`).
struct OwnedTensor {
  std::vector<unsigned char> bytes;
  TensorView view;

  OwnedTensor(DType dtype, std::vector<std::int64_t> shape, std::mt19937_64& rng, float scale = 1.0f) {
    view.dtype = dtype;
    view.shape = std::move(shape);
    bytes.resize(view.nbytes());
    std::normal_distribution<float> normal(0.0f, scale);
    for (std::int64_t i = 0; i < view.numel(); ++i) {
      const float f = normal(rng);
      unsigned char* p = bytes.data() + i * static_cast<std::int64_t>(dtype_size(dtype));
      std::uint16_t h;
      switch (dtype) {
        case DType::kF32: std::memcpy(p, &f, 4); break;
        case DType::kBF16: h = f32_to_bf16(f); std::memcpy(p, &h, 2); break;
        case DType::kF16: h = f32_to_f16(f); std::memcpy(p, &h, 2); break;
      }
    }
    view.data = bytes.data();
  }
};

std::vector<float> random_vector(std::size_t n, std::mt19937_64& rng, float scale = 1.0f) {
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = normal(rng);
  return v;
}

// |a - b| <= atol + rtol · |b| elementwise.
void expect_close(const std::vector<float>& a, const std::vector<float>& b, double atol, double rtol) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_LE(std::fabs(a[i] - b[i]), atol + rtol * std::fabs(b[i])) << "at " << i << ": " << a[i] << " vs " << b[i];
}

struct MatmulCase {
  DType dtype;
  int tokens, in, out;
};

TEST(KernelsTest, MatmulMatchesReferenceAcrossShapesDtypesAndThreads) {
  const MatmulCase cases[] = {
      {DType::kF32, 1, 64, 48},  {DType::kF32, 7, 33, 5},    {DType::kF32, 3, 1, 1},
      {DType::kBF16, 1, 256, 96}, {DType::kBF16, 13, 100, 37}, {DType::kF16, 1, 48, 200},
      {DType::kF16, 5, 17, 64},  {DType::kBF16, 64, 128, 130}, {DType::kF32, 2, 1000, 3},
  };
  for (KernelIsa isa : {KernelIsa::kAvx512Bf16, KernelIsa::kAvx2, KernelIsa::kPortable}) {
    limit_kernel_isa(isa);
    for (int threads : {1, 3}) {
    ThreadPool pool(threads);
    std::mt19937_64 rng(42 + threads);
    for (const auto& c : cases) {
      SCOPED_TRACE(testing::Message() << dtype_name(c.dtype) << " T=" << c.tokens << " in=" << c.in << " out=" << c.out
                                      << " threads=" << threads
                                      << " isa=" << static_cast<int>(kernel_isa()));
      OwnedTensor w(c.dtype, {c.out, c.in}, rng, 1.0f / std::sqrt(float(c.in)));
      OwnedTensor bias(c.dtype, {c.out}, rng);
      auto x = random_vector(static_cast<std::size_t>(c.tokens * c.in), rng);
      std::vector<float> got(static_cast<std::size_t>(c.tokens * c.out)), want(got.size());
      matmul(x.data(), c.tokens, w.view, got.data(), pool);
      reference::matmul(x.data(), c.tokens, w.view, want.data());
      // Weights are converted exactly (bf16/f16 → f32), so only summation order differs, for every dtype.
      expect_close(got, want, 1e-5, 1e-4);
      matmul(x.data(), c.tokens, w.view, got.data(), pool, &bias.view);
      reference::matmul(x.data(), c.tokens, w.view, want.data(), &bias.view);
      expect_close(got, want, 1e-5, 1e-4);
    }
    }
  }
  limit_kernel_isa(KernelIsa::kAvx512Bf16);
}

TEST(KernelsTest, MatmulIsIdenticalForAnyThreadCount) {
  std::mt19937_64 rng(5);
  for (KernelIsa isa : {KernelIsa::kAvx512Bf16, KernelIsa::kAvx2, KernelIsa::kPortable}) {
    limit_kernel_isa(isa);
    for (DType dtype : {DType::kF32, DType::kBF16, DType::kF16}) {
      OwnedTensor w(dtype, {77, 99}, rng);  // odd rows, columns not a multiple of the vector width
      auto x = random_vector(9 * 99, rng);
      std::vector<float> one(9 * 77), many(9 * 77);
      ThreadPool p1(1), p3(3), p4(4);
      matmul(x.data(), 9, w.view, one.data(), p1);
      matmul(x.data(), 9, w.view, many.data(), p4);
      EXPECT_EQ(one, many);
      matmul(x.data(), 9, w.view, many.data(), p3);
      EXPECT_EQ(one, many);
    }
  }
  limit_kernel_isa(KernelIsa::kAvx512Bf16);
}

TEST(KernelsTest, BF16MatmulAgreesWithF32WeightsWithinBF16Rounding) {
  // The same weights stored as f32 and as bf16: results differ by bf16 rounding (2^-8 relative per
  // weight), i.e. about 2^-8 · sqrt(in) · |x||w| in the worst case.
  std::mt19937_64 rng(11);
  const int in = 128, out = 32, T = 4;
  OwnedTensor w32(DType::kF32, {out, in}, rng, 1.0f / std::sqrt(float(in)));
  OwnedTensor w16(DType::kBF16, {out, in}, rng);
  const float* src = static_cast<const float*>(w32.view.data);
  auto* dst = reinterpret_cast<std::uint16_t*>(w16.bytes.data());
  for (int i = 0; i < out * in; ++i) dst[i] = f32_to_bf16(src[i]);
  auto x = random_vector(T * in, rng);
  std::vector<float> a(T * out), b(T * out);
  ThreadPool pool(2);
  matmul(x.data(), T, w32.view, a.data(), pool);
  matmul(x.data(), T, w16.view, b.data(), pool);
  expect_close(b, a, 0.05, 0.02);
}

TEST(KernelsTest, RmsNormMatchesReference) {
  std::mt19937_64 rng(1);
  for (DType dtype : {DType::kF32, DType::kBF16, DType::kF16})
    for (int n : {1, 16, 100, 2048}) {
      OwnedTensor weight(dtype, {n}, rng);
      auto x = random_vector(static_cast<std::size_t>(3 * n), rng, 3.0f);
      std::vector<float> got(x.size()), want(x.size());
      rms_norm(x.data(), 3, weight.view, 1e-6, got.data());
      reference::rms_norm(x.data(), 3, weight.view, 1e-6, want.data());
      expect_close(got, want, 1e-6, 1e-5);
      rms_norm(x.data(), 3, weight.view, 1e-6, x.data());  // in place
      EXPECT_EQ(x, got);
    }
}

TEST(KernelsTest, RopeNeoxMatchesReference) {
  std::mt19937_64 rng(2);
  for (int head_dim : {2, 16, 64, 128})
    for (double theta : {1e4, 1e6}) {
      const int T = 5, heads = 3;
      const std::vector<int> positions = {0, 1, 7, 100, 4095};
      auto x = random_vector(static_cast<std::size_t>(T * heads * head_dim), rng);
      auto want = x;
      rope_neox(x.data(), T, heads, head_dim, positions.data(), theta);
      reference::rope_neox(want.data(), T, heads, head_dim, positions.data(), theta);
      expect_close(x, want, 1e-5, 1e-5);
    }
}

TEST(KernelsTest, RopeAtPositionZeroIsIdentityAndPairsIWithIPlusHalf) {
  std::vector<float> x = {1, 2, 3, 4};  // head_dim 4: pairs (0, 2), (1, 3)
  const int zero = 0;
  auto y = x;
  rope_neox(y.data(), 1, 1, 4, &zero, 1e4);
  EXPECT_EQ(x, y);
  const int one = 1;  // dim 0 rotates by angle 1: (1, 3) → (cos1 - 3 sin1, 3 cos1 + sin1)
  rope_neox(y.data(), 1, 1, 4, &one, 1e4);
  EXPECT_NEAR(y[0], std::cos(1.0) - 3 * std::sin(1.0), 1e-6);
  EXPECT_NEAR(y[2], 3 * std::cos(1.0) + std::sin(1.0), 1e-6);
}

TEST(KernelsTest, SoftmaxMatchesReferenceAndIsStableForLargeInputs) {
  std::mt19937_64 rng(3);
  for (int n : {1, 2, 8, 128, 1000}) {
    auto x = random_vector(static_cast<std::size_t>(n), rng, 10.0f);
    auto want = x;
    softmax(x.data(), n);
    reference::softmax(want.data(), n);
    expect_close(x, want, 1e-7, 1e-5);
  }
  std::vector<float> big = {1000.0f, 1000.0f, -1000.0f};
  softmax(big.data(), 3);
  EXPECT_FLOAT_EQ(big[0], 0.5f);
  EXPECT_FLOAT_EQ(big[2], 0.0f);
}

TEST(KernelsTest, AttendMatchesReference) {
  std::mt19937_64 rng(12);
  for (KernelIsa isa : {KernelIsa::kAvx512Bf16, KernelIsa::kAvx2, KernelIsa::kPortable}) {
    limit_kernel_isa(isa);
    for (int head_dim : {4, 13, 64, 128})
      for (int n_ctx : {1, 2, 37, 300}) {
        SCOPED_TRACE(testing::Message() << "isa=" << static_cast<int>(kernel_isa()) << " hd=" << head_dim
                                        << " n_ctx=" << n_ctx);
        const std::int64_t stride = 3 * head_dim + 5;  // a head's slice inside wider cache rows
        auto q = random_vector(static_cast<std::size_t>(head_dim), rng);
        auto keys = random_vector(static_cast<std::size_t>(n_ctx * stride), rng);
        auto values = random_vector(static_cast<std::size_t>(n_ctx * stride), rng);
        const float scale = 1.0f / std::sqrt(float(head_dim));
        std::vector<float> scores(static_cast<std::size_t>(n_ctx)), got(static_cast<std::size_t>(head_dim)),
            want(got.size());
        attend(q.data(), keys.data() + 2, values.data() + 2, stride, n_ctx, head_dim, scale, scores.data(), got.data());
        reference::attend(q.data(), keys.data() + 2, values.data() + 2, stride, n_ctx, head_dim, scale, want.data());
        expect_close(got, want, 1e-5, 1e-4);
      }
  }
  limit_kernel_isa(KernelIsa::kAvx512Bf16);
}

TEST(KernelsTest, SiluMulMatchesReference) {
  std::mt19937_64 rng(4);
  for (int n : {1, 31, 512}) {
    auto g = random_vector(static_cast<std::size_t>(n), rng, 4.0f);
    auto u = random_vector(static_cast<std::size_t>(n), rng);
    std::vector<float> got(g.size()), want(g.size());
    silu_mul(g.data(), u.data(), n, got.data());
    reference::silu_mul(g.data(), u.data(), n, want.data());
    expect_close(got, want, 1e-6, 1e-5);
  }
}

TEST(KernelsTest, LoadRowConvertsEveryDtype) {
  std::mt19937_64 rng(6);
  for (DType dtype : {DType::kF32, DType::kBF16, DType::kF16}) {
    OwnedTensor t(dtype, {4, 9}, rng);
    std::vector<float> row(9);
    load_row(t.view, 2, row.data());
    for (int i = 0; i < 9; ++i) EXPECT_EQ(row[static_cast<std::size_t>(i)], reference::element(t.view, 18 + i));
  }
}

TEST(ThreadPoolTest, ParallelForCoversEveryIndexOnce) {
  for (int threads : {1, 2, 5}) {
    ThreadPool pool(threads);
    for (std::int64_t n : {0, 1, 3, 5, 1000}) {
      std::vector<int> hits(static_cast<std::size_t>(n));
      for (int round = 0; round < 20; ++round)
        pool.parallel_for(n, [&](std::int64_t b, std::int64_t e) {
          for (std::int64_t i = b; i < e; ++i) ++hits[static_cast<std::size_t>(i)];
        });
      for (int h : hits) EXPECT_EQ(h, 20);
    }
  }
}

// Batch invariance (matmul_invariant, attend_blocks): a row's result is bit-identical whatever the
// batch around it (size, neighbours, place, thread count) and whatever the KV cache's block layout.
const KernelIsa kIsas[] = {KernelIsa::kAvx512Bf16, KernelIsa::kAvx2, KernelIsa::kPortable};

TEST(KernelsTest, MatmulInvariantMatchesReference) {
  struct Case { DType dtype; int tokens, in, out; };
  const Case cases[] = {{DType::kF32, 1, 64, 48}, {DType::kF32, 7, 33, 5}, {DType::kBF16, 13, 100, 37},
                        {DType::kF16, 5, 17, 64}, {DType::kBF16, 32, 128, 130}, {DType::kF32, 2, 1000, 3}};
  for (KernelIsa isa : kIsas) {
    limit_kernel_isa(isa);
    for (int threads : {1, 3}) {
      ThreadPool pool(threads);
      std::mt19937_64 rng(17 + threads);
      for (const auto& c : cases) {
        SCOPED_TRACE(testing::Message() << dtype_name(c.dtype) << " T=" << c.tokens << " in=" << c.in
                                        << " isa=" << static_cast<int>(kernel_isa()) << " threads=" << threads);
        OwnedTensor w(c.dtype, {c.out, c.in}, rng, 1.0f / std::sqrt(float(c.in)));
        OwnedTensor bias(c.dtype, {c.out}, rng);
        auto x = random_vector(static_cast<std::size_t>(c.tokens * c.in), rng);
        std::vector<float> got(static_cast<std::size_t>(c.tokens * c.out)), want(got.size());
        matmul_invariant(x.data(), c.tokens, w.view, got.data(), pool, &bias.view);
        reference::matmul(x.data(), c.tokens, w.view, want.data(), &bias.view);
        expect_close(got, want, 1e-5, 1e-4);
      }
    }
  }
  limit_kernel_isa(KernelIsa::kAvx512Bf16);
}

// Row r of a batch equals the same row computed alone (by matmul_invariant and by the one-token
// matmul of the single-sequence decode), for every batch size, place and thread count.
TEST(KernelsTest, EveryRowIsIdenticalAloneAndInAnyBatch) {
  for (KernelIsa isa : kIsas) {
    limit_kernel_isa(isa);
    for (DType dtype : {DType::kF32, DType::kBF16, DType::kF16}) {
      std::mt19937_64 rng(99);
      const int in = 77, out = 45, max_batch = 33;  // odd widths: vector tails on every path
      OwnedTensor w(dtype, {out, in}, rng);
      OwnedTensor bias(dtype, {out}, rng);
      const auto x = random_vector(static_cast<std::size_t>(max_batch * in), rng);
      ThreadPool p1(1), p3(3);
      std::vector<float> alone(static_cast<std::size_t>(max_batch * out));
      for (int t = 0; t < max_batch; ++t) {
        std::vector<float> row(static_cast<std::size_t>(out)), via_matmul(row.size());
        matmul_invariant(x.data() + t * in, 1, w.view, row.data(), p1, &bias.view);
        matmul(x.data() + t * in, 1, w.view, via_matmul.data(), p1, &bias.view);
        ASSERT_EQ(row, via_matmul) << "one token: matmul_invariant == matmul";
        std::copy(row.begin(), row.end(), alone.begin() + t * out);
      }
      for (int batch : {2, 3, 4, 5, 8, 16, 33})
        for (int first : {0, max_batch - batch}) {
          for (ThreadPool* pool : {&p1, &p3}) {
            std::vector<float> got(static_cast<std::size_t>(batch * out));
            matmul_invariant(x.data() + first * in, batch, w.view, got.data(), *pool, &bias.view);
            for (int t = 0; t < batch; ++t)
              for (int o = 0; o < out; ++o)
                ASSERT_EQ(got[static_cast<std::size_t>(t * out + o)], alone[static_cast<std::size_t>((first + t) * out + o)])
                    << "isa " << static_cast<int>(kernel_isa()) << " " << dtype_name(dtype) << " batch " << batch
                    << " row " << first + t << " out " << o;
          }
        }
    }
  }
  limit_kernel_isa(KernelIsa::kAvx512Bf16);
}

// attend_blocks over a cache scattered in blocks gives exactly attend over the same rows kept
// contiguous, and both match the reference.
TEST(KernelsTest, AttendBlocksEqualsContiguousAttendAndReference) {
  std::mt19937_64 rng(5);
  for (KernelIsa isa : kIsas) {
    limit_kernel_isa(isa);
    for (int head_dim : {4, 13, 64})
      for (int n_ctx : {1, 15, 16, 17, 100})
        for (int block_size : {1, 4, 16}) {
          SCOPED_TRACE(testing::Message() << "isa=" << static_cast<int>(kernel_isa()) << " hd=" << head_dim
                                          << " n_ctx=" << n_ctx << " bs=" << block_size);
          const std::int64_t stride = 2 * head_dim + 3;
          auto q = random_vector(static_cast<std::size_t>(head_dim), rng);
          auto keys = random_vector(static_cast<std::size_t>(n_ctx * stride), rng);
          auto values = random_vector(static_cast<std::size_t>(n_ctx * stride), rng);
          // The same rows copied into blocks, allocated in reverse order (not contiguous).
          const int blocks = (n_ctx + block_size - 1) / block_size;
          std::vector<std::vector<float>> kb(static_cast<std::size_t>(blocks)), vb(kb.size());
          std::vector<const float*> kp(kb.size()), vp(kb.size());
          for (int b = blocks - 1; b >= 0; --b) {
            auto& k = kb[static_cast<std::size_t>(b)];
            auto& v = vb[static_cast<std::size_t>(b)];
            k.assign(static_cast<std::size_t>(block_size * stride), 0.0f);
            v.assign(k.size(), 0.0f);
            for (int j = 0; j < block_size && b * block_size + j < n_ctx; ++j)
              for (std::int64_t d = 0; d < stride; ++d) {
                k[static_cast<std::size_t>(j * stride + d)] = keys[static_cast<std::size_t>((b * block_size + j) * stride + d)];
                v[static_cast<std::size_t>(j * stride + d)] = values[static_cast<std::size_t>((b * block_size + j) * stride + d)];
              }
            kp[static_cast<std::size_t>(b)] = k.data() + 1;  // the head's slice starts 1 into the row
            vp[static_cast<std::size_t>(b)] = v.data() + 1;
          }
          const float scale = 1.0f / std::sqrt(float(head_dim));
          std::vector<float> scores(static_cast<std::size_t>(n_ctx)), contiguous(static_cast<std::size_t>(head_dim)),
              paged(contiguous.size()), want(contiguous.size());
          attend(q.data(), keys.data() + 1, values.data() + 1, stride, n_ctx, head_dim, scale, scores.data(),
                 contiguous.data());
          attend_blocks(q.data(), kp.data(), vp.data(), block_size, stride, n_ctx, head_dim, scale, scores.data(),
                        paged.data());
          EXPECT_EQ(paged, contiguous);
          reference::attend(q.data(), keys.data() + 1, values.data() + 1, stride, n_ctx, head_dim, scale, want.data());
          expect_close(paged, want, 1e-5, 1e-4);
        }
  }
  limit_kernel_isa(KernelIsa::kAvx512Bf16);
}

}  // namespace
