#pragma once
// Checkpoint: a Hugging Face model directory opened for inference: config.json (ModelConfig) and the
// weights of model.safetensors or of the shards named by model.safetensors.index.json, all
// memory-mapped. Tensor lookups throw CheckpointError naming the directory and tensor.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/model/config.h"
#include "engine/model/safetensors_file.h"
#include "engine/model/tensor.h"

namespace gauntlet::engine {

class Checkpoint {
 public:
  explicit Checkpoint(const std::filesystem::path& model_dir);

  const std::filesystem::path& dir() const { return dir_; }
  const ModelConfig& config() const { return config_; }

  bool contains(const std::string& name) const { return index_.count(name) != 0; }
  const TensorView& tensor(const std::string& name) const;
  // Also checks the shape; a mismatch names the tensor, the expected and the actual shape.
  const TensorView& tensor(const std::string& name, const std::vector<std::int64_t>& expected_shape) const;
  std::vector<std::string> tensor_names() const;  // sorted

 private:
  std::filesystem::path dir_;
  ModelConfig config_;
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::unordered_map<std::string, const TensorView*> index_;  // into files_' maps (stable)
};

std::string shape_string(const std::vector<std::int64_t>& shape);  // "[2, 3]"

}  // namespace gauntlet::engine
