// Entry point: a .safetensors file (8-byte header length, JSON header, data) opened by
// SafetensorsFile. The input is the whole file, kept in memory (memfd) so each run costs no disk.
// Documented errors: CheckpointError.
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "engine/model/checkpoint_error.h"
#include "engine/model/safetensors_file.h"
#include "fuzz/support/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const int fd = ::memfd_create("fuzz.safetensors", 0);
  if (fd < 0) return 0;
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) return 0;
  try {
    gauntlet::engine::SafetensorsFile file("/proc/self/fd/" + std::to_string(fd));
    std::size_t bytes = 0;
    for (const auto& [name, view] : file.tensors()) bytes += view.nbytes();  // every view is inside the file
    if (bytes > file.file_size()) __builtin_trap();
  } catch (const gauntlet::engine::CheckpointError&) {
  }
  return 0;
}
