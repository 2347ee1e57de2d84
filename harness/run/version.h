#pragma once
// The Gauntlet version this build reports: `gauntlet --version`, the runs table, the HTTP User-Agent.
namespace gauntlet::harness {

const char* gauntlet_version();  // e.g. "0.1.0" (CMake's project version), "dev" outside CMake

}  // namespace gauntlet::harness
