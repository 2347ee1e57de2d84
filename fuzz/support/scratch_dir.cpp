#include "fuzz/support/scratch_dir.h"

#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace gauntlet::fuzz {

ScratchDir& ScratchDir::instance() {
  static ScratchDir dir;
  return dir;
}

ScratchDir::ScratchDir() {
  std::error_code ec;
  const auto base = std::filesystem::is_directory("/dev/shm", ec) ? std::filesystem::path("/dev/shm")
                                                                   : std::filesystem::temp_directory_path();
  std::string pattern = (base / "gauntlet-fuzz-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create " + pattern);
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path ScratchDir::write(const std::string& name, std::string_view content) const {
  auto file = path_ / name;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
  return file;
}

void ScratchDir::remove(const std::string& name) const {
  std::error_code ec;
  std::filesystem::remove(path_ / name, ec);
}

}  // namespace gauntlet::fuzz
