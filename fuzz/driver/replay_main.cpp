// The driver of a fuzz target under the normal toolchain (no libFuzzer): runs every input file named
// (directories are read whole, in name order), then, with --mutations N, a bounded and seeded
// mutation smoke: N inputs made from those files by a few random edits each -- bit flips, bytes
// replaced or inserted, ranges deleted or repeated, splices of two inputs, and the shapes that broke
// parsers before (runs of brackets, NUL bytes, invalid UTF-8, huge numbers, YAML aliases). A crash,
// an escaping exception or a sanitizer report ends the process; ctest reports it. --max-seconds
// bounds the smoke. Same inputs, seed and N: the same sequence of inputs.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "fuzz/support/fuzz_target.h"

namespace {

namespace fs = std::filesystem;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::string mutate(const std::vector<std::string>& pool) {
    std::string s = pool[below(pool.size())];
    const std::size_t edits = 1 + below(6);
    for (std::size_t e = 0; e < edits; ++e) edit(s, pool);
    if (s.size() > kMaxSize) s.resize(kMaxSize);
    return s;
  }

 private:
  static constexpr std::size_t kMaxSize = 1 << 20;

  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }
  std::size_t position(const std::string& s) { return below(s.size() + 1); }

  void edit(std::string& s, const std::vector<std::string>& pool) {
    static const char* const kTokens[] = {
        "[",    "{",  "(",  "]",    "}",    ")",      "\"",   "\\",     ",",     ":",  "\n", "\x00",
        "\xff", "\xc3", "\xed\xa0\x80", "-1", "0",   "1e308", "-2147483649", "18446744073709551616",
        "null", "true", "&a ", "*a",  "<<: ", "? ",    "- ",   "\t",     "\\frac{", "}{", "^",  "\\boxed{",
        "data: ", "[DONE]", "\r\n", "NaN", "1.5",  "\"\"",  "{}",  "[]",   "e4",    "O-O", "=Q", "Ts"};
    switch (below(10)) {
      case 0:  // flip a bit
        if (!s.empty()) s[below(s.size())] ^= static_cast<char>(1u << below(8));
        break;
      case 1:  // replace a byte
        if (!s.empty()) s[below(s.size())] = static_cast<char>(below(256));
        break;
      case 2:  // insert a token
        s.insert(position(s), kTokens[below(std::size(kTokens))]);
        break;
      case 3: {  // delete a range
        if (s.empty()) break;
        std::size_t at = below(s.size());
        s.erase(at, 1 + below(std::min<std::size_t>(64, s.size() - at)));
        break;
      }
      case 4: {  // repeat a range
        if (s.empty()) break;
        std::size_t at = below(s.size()), n = 1 + below(std::min<std::size_t>(32, s.size() - at));
        std::string piece = s.substr(at, n);
        std::string repeated;
        for (std::size_t k = 1 + below(16); k > 0; --k) repeated += piece;
        s.insert(at, repeated);
        break;
      }
      case 5: {  // nest: a run of one opening bracket and, sometimes, its closing run
        const char* pairs[][2] = {{"[", "]"}, {"{", "}"}, {"(", ")"}, {"{\"a\":", "}"}, {"- ", ""}};
        auto& p = pairs[below(std::size(pairs))];
        std::size_t depth = 1 + below(below(4) == 0 ? 100000 : 300);
        std::string open, close;
        for (std::size_t k = 0; k < depth; ++k) open += p[0];
        if (below(2)) for (std::size_t k = 0; k < depth; ++k) close += p[1];
        std::size_t at = position(s);
        s.insert(at, open + close);
        break;
      }
      case 6: {  // splice with another input
        const std::string& other = pool[below(pool.size())];
        std::size_t a = position(s), b = below(other.size() + 1);
        s = s.substr(0, a) + other.substr(b);
        break;
      }
      case 7:  // truncate
        s.resize(position(s));
        break;
      case 8: {  // a run of digits (huge numbers)
        std::string digits(1 + below(400), '9');
        s.insert(position(s), digits);
        break;
      }
      default: {  // duplicate a line (duplicate keys, repeated rows)
        std::size_t start = s.rfind('\n', below(s.size() + 1));
        start = start == std::string::npos ? 0 : start + 1;
        std::size_t end = s.find('\n', start);
        std::string line = s.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
        s.insert(start, line);
        break;
      }
    }
  }

  std::mt19937_64 rng_;
};

int usage() {
  std::fprintf(stderr, "usage: FUZZ_replay [--mutations N] [--seed S] [--max-seconds T] FILE_OR_DIR...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 0;
  std::uint64_t seed = 1;
  double max_seconds = 60;
  std::vector<fs::path> paths;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--mutations" || a == "--seed" || a == "--max-seconds") && i + 1 < argc) {
      std::string v = argv[++i];
      if (a == "--mutations") mutations = std::stol(v);
      else if (a == "--seed") seed = std::stoull(v);
      else max_seconds = std::stod(v);
    } else if (a.rfind("--", 0) == 0) {
      return usage();
    } else {
      paths.emplace_back(a);
    }
  }
  std::vector<fs::path> files;
  for (const auto& p : paths) {
    if (fs::is_directory(p)) {
      for (const auto& entry : fs::directory_iterator(p))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else if (fs::is_regular_file(p)) {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> pool;
  for (const auto& f : files) {
    pool.push_back(read_bytes(f));
    run(pool.back());
  }
  std::printf("replayed %zu inputs\n", files.size());
  if (pool.empty()) pool.emplace_back();
  const auto start = std::chrono::steady_clock::now();
  Mutator mutator(seed);
  long done = 0;
  for (; done < mutations; ++done) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > max_seconds) break;
    run(mutator.mutate(pool));
  }
  if (mutations > 0) std::printf("ran %ld mutated inputs (seed %llu)\n", done, static_cast<unsigned long long>(seed));
  return 0;
}
