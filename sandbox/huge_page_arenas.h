#pragma once
// HugePageArenas: CPython's object arenas (1 MiB each) carved out of one 2 MiB-aligned region marked
// MADV_HUGEPAGE, for the zygote. A fork copies one page-table entry per 2 MiB there instead of 512
// and the child's exit tears down as few, so forking the warm interpreter for each job is cheaper.
// Install before Py_Initialize; seal() after the warm-up gives back the unused tail of the region
// (it would count against each job's address-space limit). Arenas beyond the region, and every
// arena where transparent huge pages are off, come from plain mmap as CPython's own allocator does.
#include <cstddef>

namespace gauntlet::sandbox {

class HugePageArenas {
 public:
  // Sets CPython's arena allocator (PyObject_SetArenaAllocator); reserves `reserve_bytes`.
  static void install(std::size_t reserve_bytes);
  // Unmaps the region beyond the arenas handed out so far (rounded up to 2 MiB).
  static void seal();
};

}  // namespace gauntlet::sandbox
