#pragma once
// SafetensorsFile: one .safetensors file memory-mapped read-only. The header (8-byte little-endian
// length + JSON) is validated on open; any problem throws CheckpointError naming the file and tensor.
// Every tensor is aligned to its element size (else an error). Views point into the mapping and stay valid while the SafetensorsFile lives (it is move-only).
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/model/tensor.h"

namespace gauntlet::engine {

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::filesystem::path& path);
  ~SafetensorsFile();
  SafetensorsFile(SafetensorsFile&& other) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&& other) noexcept;
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
  const TensorView* find(const std::string& name) const;  // nullptr when absent
  const TensorView& tensor(const std::string& name) const;  // throws CheckpointError when absent
  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  std::size_t file_size() const { return size_; }

 private:
  void unmap();

  std::filesystem::path path_;
  void* map_ = nullptr;
  std::size_t size_ = 0;
  std::map<std::string, TensorView> tensors_;
};

}  // namespace gauntlet::engine
