#pragma once
// The Python program a Zygote runs (python3 -c): warm imports, then a loop that reads one job from
// the control pipe, forks a child that confines itself and runs the job, waits for it, wipes the
// working directory and reports the wait status and CPU time. Descriptor layout in zygote.h.
namespace gauntlet::sandbox {

extern const char* const kZygoteProgram;

}  // namespace gauntlet::sandbox
