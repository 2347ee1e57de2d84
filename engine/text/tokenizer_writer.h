#pragma once
// Writes the small built-in byte-level BPE tokenizer (tokenizer.json + tokenizer_config.json) that
// generated test/demo checkpoints use: 256 byte tokens, a few dozen merges for arithmetic and common
// English, Qwen3's pipeline shape (NFC, Qwen2 split regex, ByteLevel, pair-list merges) and the
// Qwen3 added tokens <|endoftext|>, <|im_start|>, <|im_end|> (special), <think>, </think>.
#include <filesystem>

namespace gauntlet::engine {

// Creates out_dir if needed; overwrites both files. Throws std::runtime_error on I/O failure.
void write_default_tokenizer(const std::filesystem::path& out_dir);

// The chat template (Jinja, Qwen3 semantics) written into tokenizer_config.json.
const char* default_chat_template();

}  // namespace gauntlet::engine
