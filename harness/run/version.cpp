#include "harness/run/version.h"

#ifndef GAUNTLET_VERSION
#define GAUNTLET_VERSION "dev"
#endif

namespace gauntlet::harness {

const char* gauntlet_version() { return GAUNTLET_VERSION; }

}  // namespace gauntlet::harness
