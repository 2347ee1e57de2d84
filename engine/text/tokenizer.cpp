#include "engine/text/tokenizer.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <queue>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/text/byte_level.h"
#include "engine/text/unicode.h"

namespace gauntlet::engine {
namespace {

using nlohmann::json;

std::uint64_t pair_key(int a, int b) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
}

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw TokenizerError(source + ": " + what);
}

std::string type_of(const json& j) { return j.is_object() && j.contains("type") && j["type"].is_string() ? j["type"].get<std::string>() : ""; }

bool is_null_or_empty_string(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return true;
  return j[key].is_string() && j[key].get<std::string>().empty();
}

constexpr std::size_t kSmallPiece = 24;

bool is_space_byte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

Tokenizer Tokenizer::load(const std::filesystem::path& path) {
  std::filesystem::path file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) file = path / "tokenizer.json";
  std::ifstream in(file, std::ios::binary);
  if (!in) throw TokenizerError(file.string() + ": cannot open the tokenizer file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return from_json(buf.str(), file.string());
}

Tokenizer Tokenizer::from_json(std::string_view json_text, const std::string& source) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    fail(source, std::string("not valid JSON: ") + e.what());
  }
  if (!root.is_object()) fail(source, "the top level is not a JSON object");
  Tokenizer tok;
  tok.source_ = source;

  // Normaliser: null, NFC, or a Sequence of NFC.
  const json normalizer = root.value("normalizer", json());
  if (!normalizer.is_null()) {
    std::string t = type_of(normalizer);
    if (t == "NFC") {
      tok.nfc_ = true;
    } else if (t == "Sequence" && normalizer.contains("normalizers") && normalizer["normalizers"].is_array()) {
      for (const auto& n : normalizer["normalizers"]) {
        if (type_of(n) != "NFC") fail(source, "normalizer type '" + type_of(n) + "' is not supported (only NFC)");
        tok.nfc_ = true;
      }
    } else {
      fail(source, "normalizer type '" + t + "' is not supported (only NFC)");
    }
  }

  // Pre-tokeniser: Sequence[Split(Regex, Isolated), ByteLevel(use_regex=false)] or ByteLevel(use_regex).
  const json pre = root.value("pre_tokenizer", json());
  std::vector<json> steps;
  if (type_of(pre) == "Sequence" && pre.contains("pretokenizers") && pre["pretokenizers"].is_array())
    for (const auto& p : pre["pretokenizers"]) steps.push_back(p);
  else if (!pre.is_null())
    steps.push_back(pre);
  bool byte_level = false;
  for (const auto& p : steps) {
    std::string t = type_of(p);
    if (t == "Split") {
      if (tok.pre_tokenizer_) fail(source, "more than one Split pre-tokenizer is not supported");
      if (!p.contains("pattern") || !p["pattern"].is_object() || !p["pattern"].contains("Regex") ||
          !p["pattern"]["Regex"].is_string())
        fail(source, "pre_tokenizer Split needs a {\"Regex\": ...} pattern");
      std::string regex = p["pattern"]["Regex"].get<std::string>();
      auto pattern = PreTokenizer::recognise(regex);
      if (!pattern) fail(source, "pre_tokenizer Split regex is not one of the supported ones (Qwen2, Llama-3, GPT-2): " + regex);
      if (p.value("behavior", std::string("Isolated")) != "Isolated")
        fail(source, "pre_tokenizer Split behavior '" + p.value("behavior", std::string()) + "' is not supported (only Isolated)");
      if (p.value("invert", false)) fail(source, "pre_tokenizer Split with invert=true is not supported");
      tok.pre_tokenizer_.emplace(*pattern);
    } else if (t == "ByteLevel") {
      byte_level = true;
      tok.add_prefix_space_ = p.value("add_prefix_space", false);
      if (p.value("use_regex", true)) {
        if (tok.pre_tokenizer_) fail(source, "ByteLevel use_regex=true after a Split is not supported");
        tok.pre_tokenizer_.emplace(SplitPattern::kGpt2);
      }
    } else {
      fail(source, "pre_tokenizer type '" + t + "' is not supported (Split, ByteLevel)");
    }
  }
  if (!byte_level) fail(source, "only byte-level BPE is supported: no ByteLevel pre_tokenizer");
  const json decoder = root.value("decoder", json());
  if (!decoder.is_null() && type_of(decoder) != "ByteLevel")
    fail(source, "decoder type '" + type_of(decoder) + "' is not supported (only ByteLevel)");

  // Model.
  if (!root.contains("model") || !root["model"].is_object()) fail(source, "no \"model\" object");
  const json& model = root["model"];
  std::string model_type = type_of(model);
  if (!model_type.empty() && model_type != "BPE") fail(source, "model type '" + model_type + "' is not supported (only BPE)");
  if (!model.contains("vocab") || !model["vocab"].is_object()) fail(source, "model.vocab is missing or not an object");
  if (!model.contains("merges") || !model["merges"].is_array()) fail(source, "model.merges is missing or not an array");
  if (model.value("byte_fallback", false)) fail(source, "model.byte_fallback=true is not supported");
  if (!is_null_or_empty_string(model, "continuing_subword_prefix") || !is_null_or_empty_string(model, "end_of_word_suffix"))
    fail(source, "continuing_subword_prefix / end_of_word_suffix are not supported");
  if (model.contains("dropout") && !model["dropout"].is_null() &&
      !(model["dropout"].is_number() && model["dropout"].get<double>() == 0.0))
    fail(source, "model.dropout is not supported");
  tok.ignore_merges_ = model.value("ignore_merges", false);

  auto set_token = [&](int id, std::string bytes, std::uint8_t kind, const std::string& what) {
    if (id < 0 || id > 16'000'000) fail(source, what + " has an invalid id " + std::to_string(id));
    if (static_cast<std::size_t>(id) >= tok.id_to_bytes_.size()) {
      tok.id_to_bytes_.resize(static_cast<std::size_t>(id) + 1);
      tok.id_kind_.resize(static_cast<std::size_t>(id) + 1, 0);
    }
    tok.id_to_bytes_[static_cast<std::size_t>(id)] = std::move(bytes);
    tok.id_kind_[static_cast<std::size_t>(id)] = kind;
  };
  tok.bytes_to_id_.reserve(model["vocab"].size() * 2);
  for (const auto& [text, id_json] : model["vocab"].items()) {
    if (!id_json.is_number_integer()) fail(source, "model.vocab entry '" + text + "' has a non-integer id");
    int id = id_json.get<int>();
    std::string bytes = byte_level::decode(text);
    set_token(id, bytes, 1, "model.vocab entry '" + text + "'");
    tok.bytes_to_id_.emplace(std::move(bytes), id);
  }
  for (int b = 0; b < 256; ++b) {
    auto it = tok.bytes_to_id_.find(std::string(1, static_cast<char>(b)));
    if (it == tok.bytes_to_id_.end())
      fail(source, "model.vocab lacks the byte token '" + byte_level::encode(std::string(1, static_cast<char>(b))) + "'");
    tok.byte_id_[b] = it->second;
  }

  const json& merges = model["merges"];
  tok.merges_.reserve(merges.size() * 2);
  int rank = 0;
  for (const auto& m : merges) {
    std::string a, b;
    if (m.is_string()) {
      const std::string& s = m.get_ref<const std::string&>();
      auto space = s.find(' ');
      if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
        fail(source, "merge " + std::to_string(rank) + " '" + s + "' is not two tokens separated by one space");
      a = s.substr(0, space);
      b = s.substr(space + 1);
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      a = m[0].get<std::string>();
      b = m[1].get<std::string>();
    } else {
      fail(source, "merge " + std::to_string(rank) + " is neither \"a b\" nor [\"a\", \"b\"]");
    }
    std::string ab = byte_level::decode(a), bb = byte_level::decode(b);
    auto ia = tok.bytes_to_id_.find(ab), ib = tok.bytes_to_id_.find(bb), im = tok.bytes_to_id_.find(ab + bb);
    if (ia == tok.bytes_to_id_.end() || ib == tok.bytes_to_id_.end() || im == tok.bytes_to_id_.end())
      fail(source, "merge " + std::to_string(rank) + " ('" + a + "', '" + b + "') uses or makes a token not in model.vocab");
    tok.merges_.emplace(pair_key(ia->second, ib->second), Merge{rank, im->second});
    ++rank;
  }

  // Added tokens.
  if (root.contains("added_tokens") && !root["added_tokens"].is_null()) {
    if (!root["added_tokens"].is_array()) fail(source, "added_tokens is not an array");
    for (const auto& a : root["added_tokens"]) {
      if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() || !a.contains("content") ||
          !a["content"].is_string())
        fail(source, "an added_tokens entry lacks an integer id or a string content");
      AddedToken t;
      t.id = a["id"].get<int>();
      t.content = a["content"].get<std::string>();
      t.special = a.value("special", false);
      t.lstrip = a.value("lstrip", false);
      t.rstrip = a.value("rstrip", false);
      if (t.content.empty()) fail(source, "added token " + std::to_string(t.id) + " has empty content");
      set_token(t.id, t.content, t.special ? 3 : 2, "added token '" + t.content + "'");
      tok.added_.push_back(std::move(t));
    }
  }
  tok.build_added_matcher();
  return tok;
}

void Tokenizer::build_added_matcher() {
  added_by_first_byte_.assign(256, {});
  for (std::size_t i = 0; i < added_.size(); ++i)
    added_by_first_byte_[static_cast<unsigned char>(added_[i].content[0])].push_back(static_cast<int>(i));
  for (auto& list : added_by_first_byte_)
    std::stable_sort(list.begin(), list.end(), [&](int a, int b) {
      return added_[static_cast<std::size_t>(a)].content.size() > added_[static_cast<std::size_t>(b)].content.size();
    });
}

std::vector<int> Tokenizer::encode(std::string_view text, bool allow_special) const {
  std::vector<int> out;
  out.reserve(text.size() / 3 + 4);
  std::size_t segment_start = 0, pos = 0;
  while (pos < text.size()) {
    const auto& candidates = added_by_first_byte_[static_cast<unsigned char>(text[pos])];
    const AddedToken* hit = nullptr;
    for (int index : candidates) {
      const AddedToken& t = added_[static_cast<std::size_t>(index)];
      if (t.special && !allow_special) continue;
      if (text.size() - pos >= t.content.size() && std::memcmp(text.data() + pos, t.content.data(), t.content.size()) == 0) {
        hit = &t;
        break;
      }
    }
    if (!hit) {
      ++pos;
      continue;
    }
    std::size_t seg_end = pos;
    if (hit->lstrip)
      while (seg_end > segment_start && is_space_byte(text[seg_end - 1])) --seg_end;
    encode_segment(text.substr(segment_start, seg_end - segment_start), out);
    out.push_back(hit->id);
    pos += hit->content.size();
    if (hit->rstrip)
      while (pos < text.size() && is_space_byte(text[pos])) ++pos;
    segment_start = pos;
  }
  encode_segment(text.substr(segment_start), out);
  return out;
}

void Tokenizer::encode_segment(std::string_view text, std::vector<int>& out) const {
  if (text.empty()) return;
  std::string normalized;
  if (nfc_) {
    normalized = unicode::nfc(text);
    text = normalized;
  }
  if (add_prefix_space_ && text[0] != ' ') {
    normalized = " " + std::string(text);
    text = normalized;
  }
  if (!pre_tokenizer_) {
    encode_piece(text, out);
    return;
  }
  std::vector<std::string_view> pieces;
  pre_tokenizer_->split(text, pieces);
  for (std::string_view piece : pieces) encode_piece(piece, out);
}

void Tokenizer::encode_piece(std::string_view piece, std::vector<int>& out) const {
  if (piece.size() == 1) {
    out.push_back(byte_id_[static_cast<unsigned char>(piece[0])]);
    return;
  }
  if (ignore_merges_) {
    auto it = bytes_to_id_.find(std::string(piece));
    if (it != bytes_to_id_.end()) {
      out.push_back(it->second);
      return;
    }
  }
  const std::size_t n = piece.size();
  if (n <= kSmallPiece) {
    // Short pieces: repeatedly merge the lowest-ranked adjacent pair (leftmost among equals).
    int ids[kSmallPiece];
    std::size_t count = n;
    for (std::size_t i = 0; i < n; ++i) ids[i] = byte_id_[static_cast<unsigned char>(piece[i])];
    while (count > 1) {
      int best_rank = INT32_MAX, best_id = 0;
      std::size_t best = 0;
      for (std::size_t i = 0; i + 1 < count; ++i) {
        auto it = merges_.find(pair_key(ids[i], ids[i + 1]));
        if (it != merges_.end() && it->second.rank < best_rank) {
          best_rank = it->second.rank;
          best_id = it->second.id;
          best = i;
        }
      }
      if (best_rank == INT32_MAX) break;
      ids[best] = best_id;
      for (std::size_t i = best + 1; i + 1 < count; ++i) ids[i] = ids[i + 1];
      --count;
    }
    out.insert(out.end(), ids, ids + count);
    return;
  }
  // Symbols as a linked list; merges applied lowest rank first, leftmost first among equals.
  struct Symbol {
    int id;
    int prev;
    int next;
    bool alive;
  };
  std::vector<Symbol> sym(n);
  for (std::size_t i = 0; i < n; ++i)
    sym[i] = {byte_id_[static_cast<unsigned char>(piece[i])], static_cast<int>(i) - 1,
              i + 1 < n ? static_cast<int>(i) + 1 : -1, true};
  struct Candidate {
    int rank;
    int pos;
    int new_id;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::vector<Candidate> heap_storage;
  heap_storage.reserve(n);
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> heap(std::greater<Candidate>(),
                                                                                     std::move(heap_storage));
  auto push_pair = [&](int left) {
    if (left < 0) return;
    int right = sym[static_cast<std::size_t>(left)].next;
    if (right < 0) return;
    auto it = merges_.find(pair_key(sym[static_cast<std::size_t>(left)].id, sym[static_cast<std::size_t>(right)].id));
    if (it != merges_.end()) heap.push({it->second.rank, left, it->second.id});
  };
  for (std::size_t i = 0; i + 1 < n; ++i) push_pair(static_cast<int>(i));
  while (!heap.empty()) {
    Candidate c = heap.top();
    heap.pop();
    Symbol& left = sym[static_cast<std::size_t>(c.pos)];
    if (!left.alive || left.next < 0) continue;
    Symbol& right = sym[static_cast<std::size_t>(left.next)];
    auto it = merges_.find(pair_key(left.id, right.id));
    if (it == merges_.end() || it->second.id != c.new_id) continue;
    left.id = c.new_id;
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0) sym[static_cast<std::size_t>(right.next)].prev = c.pos;
    push_pair(left.prev);
    push_pair(c.pos);
  }
  for (int i = 0; i >= 0; i = sym[static_cast<std::size_t>(i)].next) out.push_back(sym[static_cast<std::size_t>(i)].id);
}

const std::string& Tokenizer::token_bytes(int id) const {
  if (id < 0 || id >= vocab_size() || id_kind_[static_cast<std::size_t>(id)] == 0)
    throw TokenizerError(source_ + ": token id " + std::to_string(id) + " is not in the vocabulary (size " +
                         std::to_string(vocab_size()) + ")");
  return id_to_bytes_[static_cast<std::size_t>(id)];
}

std::string Tokenizer::decode(std::span<const int> ids, bool skip_special) const {
  std::string out;
  for (int id : ids) {
    const std::string& bytes = token_bytes(id);
    if (skip_special && id_kind_[static_cast<std::size_t>(id)] == 3) continue;
    out += bytes;
  }
  return out;
}

std::optional<int> Tokenizer::token_id(std::string_view text) const {
  for (const auto& a : added_)
    if (a.content == text) return a.id;
  auto it = bytes_to_id_.find(std::string(text));
  if (it != bytes_to_id_.end()) return it->second;
  return std::nullopt;
}

bool Tokenizer::is_special(int id) const {
  return id >= 0 && id < vocab_size() && id_kind_[static_cast<std::size_t>(id)] == 3;
}

}  // namespace gauntlet::engine
