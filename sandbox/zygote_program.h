#pragma once
// The Python half of gauntlet-zygote (zygote_main.cpp embeds CPython and runs this once): warm
// imports and the per-job runner the forked, confined child calls. Descriptor layout in zygote.h;
// the control protocol in zygote_main.cpp.
namespace gauntlet::sandbox {

extern const char* const kZygoteRunner;

}  // namespace gauntlet::sandbox
