// The batch-invariant kernels (kernels.h: matmul_invariant, attend_blocks) against their plain-loop
// twins (kernels_reference.h) on random inputs, and their defining property: a row's result is
// bit-identical whatever the batch around it (size, neighbours, place, thread count) and whatever
// the block layout of the KV cache, for every kernel ISA the CPU has.
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

void expect_close(const std::vector<float>& a, const std::vector<float>& b, double atol, double rtol) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_LE(std::fabs(a[i] - b[i]), atol + rtol * std::fabs(b[i])) << "at " << i << ": " << a[i] << " vs " << b[i];
}

const KernelIsa kIsas[] = {KernelIsa::kAvx512Bf16, KernelIsa::kAvx2, KernelIsa::kPortable};

TEST(BatchInvariantKernelsTest, MatmulInvariantMatchesReference) {
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
TEST(BatchInvariantKernelsTest, EveryRowIsIdenticalAloneAndInAnyBatch) {
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
TEST(BatchInvariantKernelsTest, AttendBlocksEqualsContiguousAttendAndReference) {
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
