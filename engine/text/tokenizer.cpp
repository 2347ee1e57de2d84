#include "engine/text/tokenizer.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <queue>

#include <nlohmann/json.hpp>

#include "engine/json/json_input.h"
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

// Typed reads of tokenizer.json members. An absent or null member gives the fallback; a member of
// the wrong type fails naming the key path ("added_tokens[3].special") and the value.
class Fields {
 public:
  explicit Fields(const std::string& source) : source_(source) {}

  // nullptr when `key` is absent or null (or `object` is not an object).
  static const json* member(const json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
  }
  [[noreturn]] void wrong(const std::string& path, const char* expected, const json& value) const {
    fail(source_, path + ": expected " + expected + ", got " + json_brief(value));
  }
  bool flag(const json& object, const char* key, bool fallback, const std::string& path) const {
    const json* v = member(object, key);
    if (v == nullptr) return fallback;
    if (!v->is_boolean()) wrong(path + "." + key, "true or false", *v);
    return v->get<bool>();
  }
  std::string text(const json& object, const char* key, const std::string& fallback, const std::string& path) const {
    const json* v = member(object, key);
    if (v == nullptr) return fallback;
    if (!v->is_string()) wrong(path + "." + key, "a string", *v);
    return v->get<std::string>();
  }
  // The "type" of a component ("" when it has none).
  std::string type(const json& component, const std::string& path) const { return text(component, "type", "", path); }
  // A token id: an integer in [0, 16,000,000].
  int id(const json& value, const std::string& path) const {
    if (!value.is_number_integer() || value.get<std::int64_t>() < 0 || value.get<std::int64_t>() > 16'000'000)
      wrong(path, "a token id (an integer from 0 to 16000000)", value);
    return value.get<int>();
  }

 private:
  const std::string& source_;
};

bool is_null_or_empty_string(const json& j, const char* key) {
  const json* v = Fields::member(j, key);
  return v == nullptr || (v->is_string() && v->get_ref<const std::string&>().empty());
}

constexpr std::size_t kSmallPiece = 24;

bool is_space_byte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

Tokenizer Tokenizer::load(const std::filesystem::path& path) {
  std::filesystem::path file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) file = path / "tokenizer.json";
  std::string text;
  try {
    text = read_input_file(file);
  } catch (const JsonInputError& e) {
    throw TokenizerError(file.string() + ": cannot read the tokenizer file: " + e.detail());
  }
  return from_json(text, file.string());
}

Tokenizer Tokenizer::from_json(std::string_view json_text, const std::string& source) {
  json root;
  try {
    root = parse_json_input(json_text, source);
  } catch (const JsonInputError& e) {
    throw TokenizerError(e.what());
  }
  if (!root.is_object()) fail(source, "the top level is not a JSON object");
  const Fields f(source);
  Tokenizer tok;
  tok.source_ = source;

  // Normaliser: null, NFC, or a Sequence of NFC.
  if (const json* normalizer = Fields::member(root, "normalizer")) {
    std::string t = f.type(*normalizer, "normalizer");
    const json* list = Fields::member(*normalizer, "normalizers");
    if (t == "NFC") {
      tok.nfc_ = true;
    } else if (t == "Sequence" && list != nullptr && list->is_array()) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        std::string nt = f.type((*list)[i], "normalizer.normalizers[" + std::to_string(i) + "]");
        if (nt != "NFC") fail(source, "normalizer type '" + nt + "' is not supported (only NFC)");
        tok.nfc_ = true;
      }
    } else {
      fail(source, "normalizer type '" + t + "' is not supported (only NFC)");
    }
  }

  // Pre-tokeniser: Sequence[Split(Regex, Isolated), ByteLevel(use_regex=false)] or ByteLevel(use_regex).
  std::vector<std::pair<const json*, std::string>> steps;  // each step and its key path
  if (const json* pre = Fields::member(root, "pre_tokenizer")) {
    const json* list = Fields::member(*pre, "pretokenizers");
    if (f.type(*pre, "pre_tokenizer") == "Sequence" && list != nullptr && list->is_array()) {
      for (std::size_t i = 0; i < list->size(); ++i)
        steps.emplace_back(&(*list)[i], "pre_tokenizer.pretokenizers[" + std::to_string(i) + "]");
    } else {
      steps.emplace_back(pre, "pre_tokenizer");
    }
  }
  bool byte_level = false;
  for (const auto& [step, path] : steps) {
    const json& p = *step;
    std::string t = f.type(p, path);
    if (t == "Split") {
      if (tok.pre_tokenizer_) fail(source, "more than one Split pre-tokenizer is not supported");
      const json* pattern = Fields::member(p, "pattern");
      if (pattern == nullptr || !pattern->is_object() || Fields::member(*pattern, "Regex") == nullptr)
        fail(source, "pre_tokenizer Split needs a {\"Regex\": ...} pattern");
      std::string regex = f.text(*pattern, "Regex", "", path + ".pattern");
      auto recognised = PreTokenizer::recognise(regex);
      if (!recognised) fail(source, "pre_tokenizer Split regex is not one of the supported ones (Qwen2, Llama-3, GPT-2): " + regex);
      std::string behavior = f.text(p, "behavior", "Isolated", path);
      if (behavior != "Isolated")
        fail(source, "pre_tokenizer Split behavior '" + behavior + "' is not supported (only Isolated)");
      if (f.flag(p, "invert", false, path)) fail(source, "pre_tokenizer Split with invert=true is not supported");
      tok.pre_tokenizer_.emplace(*recognised);
    } else if (t == "ByteLevel") {
      byte_level = true;
      tok.add_prefix_space_ = f.flag(p, "add_prefix_space", false, path);
      if (f.flag(p, "use_regex", true, path)) {
        if (tok.pre_tokenizer_) fail(source, "ByteLevel use_regex=true after a Split is not supported");
        tok.pre_tokenizer_.emplace(SplitPattern::kGpt2);
      }
    } else {
      fail(source, "pre_tokenizer type '" + t + "' is not supported (Split, ByteLevel)");
    }
  }
  if (!byte_level) fail(source, "only byte-level BPE is supported: no ByteLevel pre_tokenizer");
  if (const json* decoder = Fields::member(root, "decoder"); decoder != nullptr && f.type(*decoder, "decoder") != "ByteLevel")
    fail(source, "decoder type '" + f.type(*decoder, "decoder") + "' is not supported (only ByteLevel)");

  // Model. Files written before "type" was required have none; BPE is the only model read.
  const json* model_member = Fields::member(root, "model");
  if (model_member == nullptr || !model_member->is_object()) fail(source, "no \"model\" object");
  const json& model = *model_member;
  if (Fields::member(model, "type") != nullptr && f.type(model, "model") != "BPE")
    fail(source, "model.type '" + f.type(model, "model") + "' is not supported (only BPE)");
  if (!model.contains("vocab") || !model["vocab"].is_object()) fail(source, "model.vocab is missing or not an object");
  if (!model.contains("merges") || !model["merges"].is_array()) fail(source, "model.merges is missing or not an array");
  if (f.flag(model, "byte_fallback", false, "model")) fail(source, "model.byte_fallback=true is not supported");
  if (!is_null_or_empty_string(model, "continuing_subword_prefix") || !is_null_or_empty_string(model, "end_of_word_suffix"))
    fail(source, "continuing_subword_prefix / end_of_word_suffix are not supported");
  if (const json* dropout = Fields::member(model, "dropout");
      dropout != nullptr && !(dropout->is_number() && dropout->get<double>() == 0.0))
    fail(source, "model.dropout is not supported");
  tok.ignore_merges_ = f.flag(model, "ignore_merges", false, "model");

  auto set_token = [&](int id, std::string bytes, std::uint8_t kind) {
    if (static_cast<std::size_t>(id) >= tok.id_to_bytes_.size()) {
      tok.id_to_bytes_.resize(static_cast<std::size_t>(id) + 1);
      tok.id_kind_.resize(static_cast<std::size_t>(id) + 1, 0);
    }
    tok.id_to_bytes_[static_cast<std::size_t>(id)] = std::move(bytes);
    tok.id_kind_[static_cast<std::size_t>(id)] = kind;
  };
  tok.bytes_to_id_.reserve(model["vocab"].size() * 2);
  for (const auto& [text, id_json] : model["vocab"].items()) {
    int id = f.id(id_json, "model.vocab[\"" + text + "\"]");
    std::string bytes = byte_level::decode(text);
    set_token(id, bytes, 1);
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
  if (const json* added = Fields::member(root, "added_tokens")) {
    if (!added->is_array()) fail(source, "added_tokens is not an array");
    for (std::size_t i = 0; i < added->size(); ++i) {
      const json& a = (*added)[i];
      const std::string path = "added_tokens[" + std::to_string(i) + "]";
      if (!a.is_object() || !a.contains("id") || !a.contains("content") || !a["content"].is_string())
        fail(source, path + ": lacks an integer id or a string content");
      AddedToken t;
      t.id = f.id(a["id"], path + ".id");
      t.content = a["content"].get<std::string>();
      t.special = f.flag(a, "special", false, path);
      t.lstrip = f.flag(a, "lstrip", false, path);
      t.rstrip = f.flag(a, "rstrip", false, path);
      if (t.content.empty()) fail(source, path + ": added token " + std::to_string(t.id) + " has empty content");
      set_token(t.id, t.content, t.special ? 3 : 2);
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
