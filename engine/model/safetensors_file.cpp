// SafetensorsFile: mmap + header validation. Layout: u64 little-endian N, N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then the data buffer;
// offsets are relative to the start of the data buffer.
#include "engine/model/safetensors_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/json/json_input.h"
#include "engine/model/checkpoint_error.h"

namespace gauntlet::engine {
namespace {

bool parse_dtype(const std::string& name, DType& out) {
  if (name == "F32") out = DType::kF32;
  else if (name == "F16") out = DType::kF16;
  else if (name == "BF16") out = DType::kBF16;
  else return false;
  return true;
}

// The reference implementation's limit; real headers are a few hundred KiB.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

struct Span {
  std::uint64_t begin, end;
  const std::string* name;
};

}  // namespace

namespace {

// Maps the whole file into the page tables now (as llama.cpp's MAP_POPULATE does) when it fits
// comfortably in memory, so the first forward pass does not stop at a page fault every few pages.
// Best effort: kernels without MADV_POPULATE_READ (before Linux 5.14) just fault on first use.
void prefault(void* map, std::size_t size) {
#ifdef MADV_POPULATE_READ
  const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page_size > 0 && size <= static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size) / 2)
    ::madvise(map, size, MADV_POPULATE_READ);
#else
  (void)map;
  (void)size;
#endif
}

}  // namespace

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : path_(path) {
  const std::string file = path.string();
  auto fail = [&](const std::string& what) { return CheckpointError(fmt::format("{}: {}", file, what)); };

  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(fmt::format("cannot open: {}", std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    throw fail(fmt::format("cannot stat: {}", std::strerror(err)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw fail("not a regular file");
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ < 8) {
    ::close(fd);
    throw fail(fmt::format("truncated: {} bytes, shorter than the 8-byte header length", size_));
  }
  map_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  int map_errno = errno;
  ::close(fd);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    throw fail(fmt::format("cannot mmap: {}", std::strerror(map_errno)));
  }
  prefault(map_, size_);

  try {
    const auto* bytes = static_cast<const unsigned char*>(map_);
    std::uint64_t header_len = 0;
    for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
    if (header_len > size_ - 8)
      throw fail(fmt::format("header length {} is beyond the file ({} bytes after the length field)", header_len,
                             size_ - 8));
    const std::uint64_t data_size = size_ - 8 - header_len;
    const unsigned char* data = bytes + 8 + header_len;

    if (header_len > kMaxHeaderBytes)
      throw fail(fmt::format("header length {} is more than {} bytes (the limit)", header_len, kMaxHeaderBytes));
    nlohmann::json header;
    try {
      header = parse_json_input(std::string_view(reinterpret_cast<const char*>(bytes + 8), header_len), "");
    } catch (const JsonInputError& e) {
      throw fail("header: " + e.detail());
    }
    if (!header.is_object()) throw fail("header is not a JSON object");

    std::vector<Span> spans;
    for (auto it = header.begin(); it != header.end(); ++it) {
      const std::string& name = it.key();
      if (name == "__metadata__") continue;
      auto bad = [&](const std::string& what) { return fail(fmt::format("tensor {}: {}", name, what)); };
      const auto& entry = it.value();
      if (!entry.is_object()) throw bad("entry is not an object");
      if (!entry.contains("dtype") || !entry["dtype"].is_string()) throw bad("missing or non-string dtype");
      if (!entry.contains("shape") || !entry["shape"].is_array()) throw bad("missing or non-array shape");
      if (!entry.contains("data_offsets") || !entry["data_offsets"].is_array() || entry["data_offsets"].size() != 2)
        throw bad("data_offsets must be an array [begin, end]");

      TensorView view;
      view.name = name;
      const std::string dtype = entry["dtype"].get<std::string>();
      if (!parse_dtype(dtype, view.dtype))
        throw bad(fmt::format("unsupported dtype {} (supported: F32, F16, BF16)", dtype));

      std::uint64_t numel = 1;
      for (const auto& d : entry["shape"]) {
        if (!d.is_number_integer() || d.get<std::int64_t>() < 0) throw bad("shape entries must be non-negative integers");
        auto dim = d.get<std::uint64_t>();
        if (__builtin_mul_overflow(numel, dim, &numel)) throw bad("shape overflows");
        view.shape.push_back(static_cast<std::int64_t>(dim));
      }
      for (const auto& o : entry["data_offsets"])
        if (!o.is_number_integer() || o.get<std::int64_t>() < 0) throw bad("data_offsets must be non-negative integers");
      auto begin = entry["data_offsets"][0].get<std::uint64_t>();
      auto end = entry["data_offsets"][1].get<std::uint64_t>();
      if (begin > end) throw bad(fmt::format("data_offsets [{}, {}] are not in order", begin, end));
      if (end > data_size)
        throw bad(fmt::format("data_offsets [{}, {}] out of range: the data buffer has {} bytes", begin, end, data_size));
      std::uint64_t nbytes = 0;
      if (__builtin_mul_overflow(numel, static_cast<std::uint64_t>(dtype_size(view.dtype)), &nbytes) ||
          nbytes != end - begin)
        throw bad(fmt::format("shape {} x {} needs {} bytes but data_offsets [{}, {}] span {}", json_brief(entry["shape"]),
                              dtype, nbytes, begin, end, end - begin));
      view.data = data + begin;
      // Kernels load elements directly; the safetensors writers pad the header and order tensors so
      // that every tensor is aligned to its element size.
      if (reinterpret_cast<std::uintptr_t>(view.data) % dtype_size(view.dtype) != 0)
        throw bad(fmt::format("data at file offset {} is not aligned to its {}-byte elements", 8 + header_len + begin,
                              dtype_size(view.dtype)));
      auto [pos, inserted] = tensors_.emplace(name, std::move(view));
      spans.push_back({begin, end, &pos->first});
    }
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    const Span* reach = nullptr;  // the non-empty span seen so far that ends last
    for (const Span& b : spans) {
      if (b.begin == b.end) continue;
      if (reach != nullptr && b.begin < reach->end)
        throw fail(fmt::format("tensors {} [{}, {}] and {} [{}, {}] overlap", *reach->name, reach->begin, reach->end,
                               *b.name, b.begin, b.end));
      if (reach == nullptr || b.end > reach->end) reach = &b;
    }
  } catch (...) {
    unmap();
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() { unmap(); }

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept
    : path_(std::move(other.path_)),
      map_(std::exchange(other.map_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      tensors_(std::move(other.tensors_)) {}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
  if (this != &other) {
    unmap();
    path_ = std::move(other.path_);
    map_ = std::exchange(other.map_, nullptr);
    size_ = std::exchange(other.size_, 0);
    tensors_ = std::move(other.tensors_);
  }
  return *this;
}

void SafetensorsFile::unmap() {
  if (map_ != nullptr) ::munmap(map_, size_);
  map_ = nullptr;
}

const TensorView* SafetensorsFile::find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

const TensorView& SafetensorsFile::tensor(const std::string& name) const {
  const TensorView* view = find(name);
  if (view == nullptr) throw CheckpointError(fmt::format("{}: missing tensor {}", path_.string(), name));
  return *view;
}

}  // namespace gauntlet::engine
