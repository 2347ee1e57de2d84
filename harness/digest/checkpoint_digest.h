#pragma once
// checkpoint_digest: what a model checkpoint directory computes, as one SHA-256 (hex), never where it
// lives: the name, size and SHA-256 of every file that changes answers (config and generation config,
// tokenizer files, chat templates, safetensors weights and their index; not READMEs, notes or hidden
// files). Digests of files over 1 MiB are cached beside the checkpoint in `.gauntlet-digest.json`,
// keyed by name, size and modification time, so a checkpoint is read in full once per copy; an
// unwritable directory is hashed again next time. Throws std::runtime_error naming a file that
// cannot be read.
#include <filesystem>
#include <string>

namespace gauntlet::harness {

inline constexpr const char* kCheckpointDigestCache = ".gauntlet-digest.json";

std::string checkpoint_digest(const std::filesystem::path& dir);

// Whether `name` (a file name in a checkpoint directory) is part of the digest.
bool changes_answers(const std::string& name);

}  // namespace gauntlet::harness
