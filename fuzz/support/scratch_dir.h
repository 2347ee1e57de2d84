#pragma once
// A private directory for the targets whose entry point reads files (checkpoints, configs,
// datasets): created once per process in /dev/shm (else the temp dir), removed at exit. write()
// replaces a file's content, in memory, for microseconds per input.
#include <filesystem>
#include <string>
#include <string_view>

namespace gauntlet::fuzz {

class ScratchDir {
 public:
  static ScratchDir& instance();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, std::string_view content) const;
  void remove(const std::string& name) const;

 private:
  ScratchDir();
  ~ScratchDir();
  std::filesystem::path path_;
};

}  // namespace gauntlet::fuzz
