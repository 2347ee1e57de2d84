// Checkpoint: config.json + model.safetensors, or the shards of model.safetensors.index.json.
#include "engine/model/checkpoint.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/json/json_input.h"
#include "engine/model/checkpoint_error.h"

namespace gauntlet::engine {

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

Checkpoint::Checkpoint(const std::filesystem::path& model_dir) : dir_(model_dir) {
  if (!std::filesystem::is_directory(dir_))
    throw CheckpointError(fmt::format("checkpoint {}: not a directory", dir_.string()));
  config_ = load_model_config(dir_);

  const auto index_path = dir_ / "model.safetensors.index.json";
  const auto single_path = dir_ / "model.safetensors";
  if (std::filesystem::exists(index_path)) {
    const std::string index_file = index_path.string();
    nlohmann::json index;
    try {
      index = load_json_input_file(index_path);
    } catch (const JsonInputError& e) {
      throw CheckpointError(e.what());
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
      throw CheckpointError(fmt::format("{}: weight_map: missing or not an object", index_file));

    std::map<std::string, std::size_t> shard_ids;
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
      const std::string& name = it.key();
      if (!it.value().is_string())
        throw CheckpointError(fmt::format("{}: weight_map: tensor {}: shard name is not a string", index_file, name));
      const std::string shard = it.value().get<std::string>();
      const std::filesystem::path shard_rel(shard);
      if (shard.empty() || shard_rel.is_absolute() || shard.find("..") != std::string::npos)
        throw CheckpointError(fmt::format("{}: weight_map: tensor {}: bad shard name '{}'", index_file, name, shard));
      auto found = shard_ids.find(shard);
      if (found == shard_ids.end()) {
        const auto shard_path = dir_ / shard_rel;
        if (!std::filesystem::exists(shard_path))
          throw CheckpointError(
              fmt::format("{}: shard {} (holding tensor {}) is missing", index_file, shard_path.string(), name));
        files_.push_back(std::make_unique<SafetensorsFile>(shard_path));
        found = shard_ids.emplace(shard, files_.size() - 1).first;
      }
      const TensorView* view = files_[found->second]->find(name);
      if (view == nullptr)
        throw CheckpointError(fmt::format("{}: tensor {} is listed in shard {} but absent from it", index_file, name,
                                          (dir_ / shard_rel).string()));
      index_.emplace(name, view);
    }
  } else if (std::filesystem::exists(single_path)) {
    files_.push_back(std::make_unique<SafetensorsFile>(single_path));
    for (const auto& [name, view] : files_.back()->tensors()) index_.emplace(name, &view);
  } else {
    throw CheckpointError(fmt::format("checkpoint {}: neither model.safetensors nor model.safetensors.index.json found",
                                      dir_.string()));
  }
}

const TensorView& Checkpoint::tensor(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) throw CheckpointError(fmt::format("checkpoint {}: missing tensor {}", dir_.string(), name));
  return *it->second;
}

const TensorView& Checkpoint::tensor(const std::string& name, const std::vector<std::int64_t>& expected_shape) const {
  const TensorView& view = tensor(name);
  if (view.shape != expected_shape)
    throw CheckpointError(fmt::format("checkpoint {}: tensor {} has shape {}, expected {}", dir_.string(), name,
                                      shape_string(view.shape), shape_string(expected_shape)));
  return view;
}

std::vector<std::string> Checkpoint::tensor_names() const {
  std::vector<std::string> names;
  names.reserve(index_.size());
  for (const auto& [name, view] : index_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace gauntlet::engine
