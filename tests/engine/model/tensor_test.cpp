// bf16 / f16 <-> f32 conversions: exact on every 16-bit value, round-to-nearest-even on ties,
// NaN stays NaN, overflow to inf, subnormals both ways.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/model/tensor.h"

namespace {

using namespace gauntlet::engine;

float bits(std::uint32_t b) { return std::bit_cast<float>(b); }

TEST(Tensor, DTypeSizesAndNames) {
  EXPECT_EQ(dtype_size(DType::kF32), 4u);
  EXPECT_EQ(dtype_size(DType::kF16), 2u);
  EXPECT_EQ(dtype_size(DType::kBF16), 2u);
  EXPECT_STREQ(dtype_name(DType::kBF16), "BF16");
  TensorView v;
  v.dtype = DType::kBF16;
  v.shape = {3, 4, 5};
  EXPECT_EQ(v.numel(), 60);
  EXPECT_EQ(v.nbytes(), 120u);
}

TEST(Bf16, EveryValueRoundTrips) {
  for (std::uint32_t v = 0; v <= 0xffff; ++v) {
    float f = bf16_to_f32(static_cast<std::uint16_t>(v));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(f)))) << v;
    } else {
      EXPECT_EQ(f32_to_bf16(f), v) << v;
    }
  }
}

TEST(Bf16, EdgeCases) {
  EXPECT_EQ(bf16_to_f32(0x3f80), 1.0f);
  EXPECT_EQ(bf16_to_f32(0x7f80), std::numeric_limits<float>::infinity());
  EXPECT_EQ(bf16_to_f32(0xff80), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(bf16_to_f32(0x7fc0)));
  EXPECT_EQ(bf16_to_f32(0x0001), bits(0x00010000));  // smallest subnormal
  EXPECT_EQ(f32_to_bf16(-0.0f), 0x8000);
  // Ties to even.
  EXPECT_EQ(f32_to_bf16(bits(0x3f808000)), 0x3f80);
  EXPECT_EQ(f32_to_bf16(bits(0x3f818000)), 0x3f82);
  EXPECT_EQ(f32_to_bf16(bits(0x3f808001)), 0x3f81);
  EXPECT_EQ(f32_to_bf16(bits(0x3f807fff)), 0x3f80);
  EXPECT_EQ(f32_to_bf16(bits(0xbf818000)), 0xbf82);
  // Subnormal ties.
  EXPECT_EQ(f32_to_bf16(bits(0x00008000)), 0x0000);
  EXPECT_EQ(f32_to_bf16(bits(0x00018000)), 0x0002);
  // Overflow rounds to inf; inf stays inf.
  EXPECT_EQ(f32_to_bf16(std::numeric_limits<float>::max()), 0x7f80);
  EXPECT_EQ(f32_to_bf16(std::numeric_limits<float>::infinity()), 0x7f80);
  EXPECT_EQ(f32_to_bf16(bits(0x7f7f7fff)), 0x7f7f);  // largest finite that stays finite
  // NaNs (quiet, signalling with a low-only payload, negative) stay NaN.
  EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(bits(0x7f800001)))));
  EXPECT_EQ(f32_to_bf16(bits(0xff800001)) & 0x8000, 0x8000);
  EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(bits(0xff800001)))));
}

TEST(F16, EveryValueRoundTrips) {
  for (std::uint32_t v = 0; v <= 0xffff; ++v) {
    float f = f16_to_f32(static_cast<std::uint16_t>(v));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(f16_to_f32(f32_to_f16(f)))) << v;
    } else {
      EXPECT_EQ(f32_to_f16(f), v) << v;
    }
  }
}

TEST(F16, EdgeCases) {
  EXPECT_EQ(f16_to_f32(0x3c00), 1.0f);
  EXPECT_EQ(f16_to_f32(0x7bff), 65504.0f);
  EXPECT_EQ(f16_to_f32(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(f16_to_f32(0x03ff), 1023 * std::ldexp(1.0f, -24));
  EXPECT_EQ(f16_to_f32(0x0400), std::ldexp(1.0f, -14));
  EXPECT_EQ(f16_to_f32(0x8001), -std::ldexp(1.0f, -24));
  EXPECT_EQ(f16_to_f32(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(f16_to_f32(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(f16_to_f32(0x7e00)));
  EXPECT_TRUE(std::isnan(f16_to_f32(0x7c01)));
  EXPECT_TRUE(std::signbit(f16_to_f32(0x8000)));

  // Overflow: 65520 is the tie between 65504 and 2^16 -> even (inf).
  EXPECT_EQ(f32_to_f16(65504.0f), 0x7bff);
  EXPECT_EQ(f32_to_f16(std::nextafter(65520.0f, 0.0f)), 0x7bff);
  EXPECT_EQ(f32_to_f16(65520.0f), 0x7c00);
  EXPECT_EQ(f32_to_f16(-1e9f), 0xfc00);
  EXPECT_EQ(f32_to_f16(std::numeric_limits<float>::infinity()), 0x7c00);
  // Normal ties.
  EXPECT_EQ(f32_to_f16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  EXPECT_EQ(f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  EXPECT_EQ(f32_to_f16(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)), 0x3c01);
  // Subnormals: 2^-25 ties to 0, just above it rounds to the smallest subnormal.
  const float tiny = std::ldexp(1.0f, -25);
  EXPECT_EQ(f32_to_f16(tiny), 0x0000);
  EXPECT_EQ(f32_to_f16(-tiny), 0x8000);
  EXPECT_EQ(f32_to_f16(std::nextafter(tiny, 1.0f)), 0x0001);
  EXPECT_EQ(f32_to_f16(3 * tiny), 0x0002);   // 1.5 ulp -> even
  EXPECT_EQ(f32_to_f16(5 * tiny), 0x0002);   // 2.5 ulp -> even
  EXPECT_EQ(f32_to_f16(1e-10f), 0x0000);
  EXPECT_EQ(f32_to_f16(std::numeric_limits<float>::denorm_min()), 0x0000);
  // The largest subnormal + half an ulp carries into the smallest normal.
  EXPECT_EQ(f32_to_f16(1023.5f * std::ldexp(1.0f, -24)), 0x0400);
  EXPECT_EQ(f32_to_f16(1022.5f * std::ldexp(1.0f, -24)), 0x03fe);
  EXPECT_TRUE(std::isnan(f16_to_f32(f32_to_f16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_TRUE(std::isnan(f16_to_f32(f32_to_f16(bits(0x7f800001)))));  // payload only in low bits
}

#if defined(__FLT16_MAX__)
// The compiler's own float -> _Float16 conversion is round-to-nearest-even: compare on many patterns.
TEST(F16, MatchesCompilerConversion) {
  std::uint64_t state = 12345;
  for (int i = 0; i < 2'000'000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    std::uint32_t b = static_cast<std::uint32_t>(state >> 32);
    // Concentrate on the f16 range: exponents around 2^-26 .. 2^17.
    if (i % 2) b = (b & 0x807fffffu) | ((101u + (b >> 23) % 44u) << 23);
    float f = bits(b);
    if (std::isnan(f)) continue;
    _Float16 h = static_cast<_Float16>(f);
    EXPECT_EQ(f32_to_f16(f), std::bit_cast<std::uint16_t>(h)) << std::hex << b;
    if (HasFailure()) return;
  }
}
#endif

}  // namespace
