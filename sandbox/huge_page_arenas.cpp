#include "sandbox/huge_page_arenas.h"

#include <Python.h>
#include <sys/mman.h>

#include <cstdint>

namespace gauntlet::sandbox {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kArena = std::size_t{1} << 20;  // CPython's ARENA_SIZE with mmap arenas
constexpr int kMaxFree = 64;

// One zygote process, one thread: plain statics. Each forked child gets its own copy.
char* g_base = nullptr;
std::size_t g_size = 0, g_used = 0;
void* g_free[kMaxFree];
int g_free_count = 0;

bool in_region(const void* p) {
  auto c = static_cast<const char*>(p);
  return g_base != nullptr && c >= g_base && c < g_base + g_size;
}

void* alloc_arena(void*, std::size_t size) {
  if (size == kArena) {
    if (g_free_count > 0) return g_free[--g_free_count];
    if (g_used + size <= g_size) {
      void* p = g_base + g_used;
      g_used += size;
      return p;
    }
  }
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

void free_arena(void*, void* p, std::size_t size) {
  if (in_region(p)) {
    // Kept mapped (a MADV_DONTNEED would split the huge page); reused by the next alloc_arena.
    if (g_free_count < kMaxFree) g_free[g_free_count++] = p;
    return;
  }
  munmap(p, size);
}

}  // namespace

void HugePageArenas::install(std::size_t reserve_bytes) {
  std::size_t size = (reserve_bytes + kHugePage - 1) & ~(kHugePage - 1);
  void* raw = mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
  if (raw == MAP_FAILED) return;  // CPython's own arenas then
  auto start = reinterpret_cast<std::uintptr_t>(raw);
  auto aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  // Trim the alignment slack on both sides so the region is exactly [aligned, aligned + size).
  if (aligned > start) munmap(raw, aligned - start);
  std::uintptr_t end = start + size + kHugePage;
  if (end > aligned + size) munmap(reinterpret_cast<void*>(aligned + size), end - (aligned + size));
  g_base = reinterpret_cast<char*>(aligned);
  g_size = size;
  madvise(g_base, g_size, MADV_HUGEPAGE);  // no THP here: still one region, just 4 KiB pages
  PyObjectArenaAllocator allocator{nullptr, alloc_arena, free_arena};
  PyObject_SetArenaAllocator(&allocator);
}

void HugePageArenas::seal() {
  if (g_base == nullptr) return;
  std::size_t keep = (g_used + kHugePage - 1) & ~(kHugePage - 1);
  if (keep < g_size) munmap(g_base + keep, g_size - keep);
  g_size = keep;
}

}  // namespace gauntlet::sandbox
