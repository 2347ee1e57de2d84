#pragma once
// Tokenizer: byte-level BPE loaded from a Hugging Face tokenizer.json (Qwen2/Qwen3, Llama-3, GPT-2
// families). encode() = added tokens (longest match, before anything else) -> NFC -> pre-tokeniser
// split -> BPE over bytes; decode() returns the exact bytes. Immutable after load; thread-safe.
// Unsupported or malformed files throw TokenizerError naming the file and the problem.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/text/pretokenizer.h"
#include "engine/text/tokenizer_error.h"

namespace gauntlet::engine {

struct AddedToken {
  int id = 0;
  std::string content;
  bool special = false;  // skipped by decode(skip_special); matched only with allow_special
  bool lstrip = false;   // absorbs whitespace on its left
  bool rstrip = false;   // absorbs whitespace on its right
};

class Tokenizer {
 public:
  // `path` is a tokenizer.json file or a directory holding one.
  static Tokenizer load(const std::filesystem::path& path);
  // Parses tokenizer.json text; `source` names it in error messages.
  static Tokenizer from_json(std::string_view json_text, const std::string& source);

  // Token ids of `text`. Special added tokens are recognised only when allow_special is true
  // (otherwise they are encoded as plain text); non-special added tokens (<think>) always are.
  // Nothing (BOS/EOS) is added.
  std::vector<int> encode(std::string_view text, bool allow_special = true) const;
  // The exact bytes of the ids (possibly invalid UTF-8 when cut mid-character). Throws
  // TokenizerError on an id outside [0, vocab_size()) or a hole in the vocabulary.
  std::string decode(std::span<const int> ids, bool skip_special = false) const;
  // Raw bytes of one token.
  const std::string& token_bytes(int id) const;

  // The id of an added token by its content, or of a vocabulary entry by its raw bytes.
  std::optional<int> token_id(std::string_view text) const;
  bool is_special(int id) const;
  int vocab_size() const { return static_cast<int>(id_to_bytes_.size()); }  // max id + 1
  const std::vector<AddedToken>& added_tokens() const { return added_; }
  const std::string& source() const { return source_; }

 private:
  struct Merge {
    int rank;
    int id;
  };
  void encode_segment(std::string_view text, std::vector<int>& out) const;
  void encode_piece(std::string_view piece, std::vector<int>& out) const;
  void build_added_matcher();

  std::string source_;
  bool nfc_ = false;
  std::optional<PreTokenizer> pre_tokenizer_;
  bool add_prefix_space_ = false;
  bool ignore_merges_ = false;
  std::vector<std::string> id_to_bytes_;
  std::vector<std::uint8_t> id_kind_;  // 0 hole, 1 vocabulary, 2 added, 3 special added
  std::unordered_map<std::string, int> bytes_to_id_;
  std::unordered_map<std::uint64_t, Merge> merges_;
  int byte_id_[256] = {};
  std::vector<AddedToken> added_;
  std::vector<std::vector<int>> added_by_first_byte_;  // indexes into added_, longest first
};

}  // namespace gauntlet::engine
