#pragma once
// The two peers of the Jinja renderer for the peer tests: Jinja2 in transformers' environment
// (scripts/peer_jinja2.py, Debian's python3-jinja2) and @huggingface/jinja
// (scripts/peer_hf_jinja.mjs, from the npm peer cache). Both take one request — templates and
// cases — and answer one JSON object per case: {"text"} or {"error", "message"}.
#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace gauntlet::testing {

using ojson = nlohmann::ordered_json;

// Whether Debian's python3 has jinja2 (scripts/setup.sh installs python3-jinja2).
inline bool jinja2_available() {
  return run_command("/usr/bin/python3 -c 'import jinja2'").exit_code == 0;
}

// The npm peer cache (scripts/install_peers.sh), or nullopt with `why` when it cannot be had.
inline std::optional<std::string> npm_peers(std::string& why) {
  auto r = run_command(std::string(GAUNTLET_SOURCE_DIR) + "/scripts/install_peers.sh");
  if (r.exit_code != 0) {
    why = "install_peers.sh exited " + std::to_string(r.exit_code) + ": " + r.err;
    return std::nullopt;
  }
  return r.out.substr(0, r.out.find('\n'));
}

// Runs `command` with the request on stdin; one parsed answer per case (a test failure and an
// empty vector when the peer fails or answers a different number of lines).
inline std::vector<ojson> ask_peer(const std::string& command, const ojson& request) {
  TempDir dir;
  dir.write("request.json", request.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict));
  auto r = run_command(command + " < " + dir.file("request.json"));
  if (r.exit_code != 0) {
    ADD_FAILURE() << command << " exited " << r.exit_code << ": " << r.err;
    return {};
  }
  std::vector<ojson> answers;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) answers.push_back(ojson::parse(line));
  if (answers.size() != request.at("cases").size()) {
    ADD_FAILURE() << command << " answered " << answers.size() << " of " << request.at("cases").size() << " cases";
    return {};
  }
  return answers;
}

inline std::vector<ojson> ask_jinja2(const ojson& request) {
  return ask_peer("/usr/bin/python3 " + std::string(GAUNTLET_SOURCE_DIR) + "/scripts/peer_jinja2.py", request);
}

inline std::vector<ojson> ask_hf_jinja(const std::string& peers_dir, const ojson& request) {
  return ask_peer("node " + std::string(GAUNTLET_SOURCE_DIR) + "/scripts/peer_hf_jinja.mjs '" + peers_dir + "'", request);
}

// Two answers agree: the same text, or both an error.
inline bool same_answer(const ojson& a, const ojson& b) {
  if (a.contains("text") && b.contains("text")) return a["text"] == b["text"];
  return a.contains("error") && b.contains("error");
}

}  // namespace gauntlet::testing
