#pragma once
// TensorView: a non-owning view of a tensor's bytes (usually inside a memory-mapped checkpoint).
// Shapes are in PyTorch order, row-major: a Linear weight is [out_features, in_features].
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gauntlet::engine {

enum class DType { kF32, kF16, kBF16 };

std::size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);  // "F32", "F16", "BF16" (safetensors spelling)

struct TensorView {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<std::int64_t> shape;
  const void* data = nullptr;

  std::int64_t numel() const;
  std::size_t nbytes() const { return static_cast<std::size_t>(numel()) * dtype_size(dtype); }
};

// Element conversions used by every kernel's load path.
float bf16_to_f32(std::uint16_t v);
std::uint16_t f32_to_bf16(float v);  // round to nearest even
float f16_to_f32(std::uint16_t v);
std::uint16_t f32_to_f16(float v);   // round to nearest even

}  // namespace gauntlet::engine
