#pragma once
// The one function every fuzz target defines (the libFuzzer interface). A target feeds the bytes to
// one entry point of outside input and catches only the error types that entry point documents;
// anything else escaping -- another exception, a crash, a sanitizer report, a hang -- is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace gauntlet::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits the input at its first NUL byte (two inputs in one: gold and prediction, a file and its
// sibling); the second part is empty when there is none.
inline std::pair<std::string_view, std::string_view> split_at_nul(std::string_view text) {
  auto nul = text.find('\0');
  if (nul == std::string_view::npos) return {text, {}};
  return {text.substr(0, nul), text.substr(nul + 1)};
}

}  // namespace gauntlet::fuzz
