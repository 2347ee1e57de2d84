#include "harness/judges/judge_reply.h"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

namespace gauntlet::harness {
namespace {

// Keys compared without case, with spaces and dashes read as underscores.
std::string key_form(const std::string& key) {
  std::string out;
  for (char c : key) out += (c == ' ' || c == '-') ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const nlohmann::json* member(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  const std::string want = key_form(key);
  for (auto it = object.begin(); it != object.end(); ++it)
    if (key_form(it.key()) == want) return &it.value();
  return nullptr;
}

std::optional<long> integer_of(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<long>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e9) return static_cast<long>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty() || s.size() > 9) return std::nullopt;
    std::size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return std::nullopt;
    for (std::size_t k = i; k < s.size(); ++k)
      if (!std::isdigit(static_cast<unsigned char>(s[k]))) return std::nullopt;
    return std::stol(s);
  }
  return std::nullopt;
}

std::string reasoning_of(const nlohmann::json& j) {
  const auto* r = member(j, "reasoning");
  if (!r) return "";
  return r->is_string() ? r->get<std::string>() : r->dump();
}

}  // namespace

std::optional<nlohmann::json> last_json_object(std::string_view reply) {
  constexpr std::size_t kWindow = 64 * 1024;
  constexpr int kMaxDepth = 64;  // the answer is at the end; bounds the scan
  if (reply.size() > kWindow) reply = reply.substr(reply.size() - kWindow);
  std::optional<nlohmann::json> last;
  for (std::size_t i = 0; i < reply.size(); ++i) {
    if (reply[i] != '{') continue;
    int depth = 0;
    bool in_string = false, escaped = false;
    std::size_t j = i;
    for (; j < reply.size(); ++j) {
      char c = reply[j];
      if (in_string) {
        if (escaped) escaped = false;
        else if (c == '\\') escaped = true;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        // Deeper than any answer needs: a hostile reply. Stopping here also bounds the scan (no
        // more than kMaxDepth candidates are open over any stretch of the reply).
        if (++depth > kMaxDepth) return std::nullopt;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) break;
      }
    }
    if (j >= reply.size() || depth != 0) continue;
    auto parsed = nlohmann::json::parse(reply.substr(i, j - i + 1), nullptr, false);
    if (!parsed.is_discarded() && parsed.is_object()) {
      last = std::move(parsed);
      i = j;  // the next candidate starts after this object
    }
  }
  return last;
}

std::string read_rubric_reply(std::string_view reply, const RubricTask& task, RubricJudgement* out) {
  auto j = last_json_object(reply);
  if (!j) return "no JSON object found";
  const auto* scores = member(*j, "scores");
  if (!scores || !scores->is_object()) return "the JSON object has no \"scores\" object";
  const auto& rubric = task.rubric;
  std::map<std::string, CandidateScores> read;
  for (const auto& candidate : task.candidates) {
    const auto* per = member(*scores, candidate);
    if (!per || !per->is_object()) return fmt::format("no scores for \"{}\"", candidate);
    CandidateScores cs;
    for (const auto& criterion : rubric.criteria) {
      const auto* aspects = member(*per, criterion.name);
      if (!aspects || !aspects->is_object()) return fmt::format("\"{}\" has no \"{}\" scores", candidate, criterion.name);
      for (const auto& aspect : criterion.aspects) {
        const auto* v = member(*aspects, aspect);
        if (!v) return fmt::format("\"{}\".\"{}\" lacks \"{}\"", candidate, criterion.name, aspect);
        auto n = integer_of(*v);
        if (!n || *n < rubric.min_score || *n > rubric.max_score)
          return fmt::format("\"{}\".\"{}\".\"{}\" must be an integer from {} to {}, not {}", candidate, criterion.name,
                             aspect, rubric.min_score, rubric.max_score, v->dump());
        cs[criterion.name][aspect] = static_cast<int>(*n);
      }
    }
    read[candidate] = std::move(cs);
  }
  out->scores = std::move(read);
  out->totals.clear();
  for (const auto& [candidate, cs] : out->scores) out->totals[candidate] = rubric.weighted_total(cs);
  out->reasoning = reasoning_of(*j);
  return "";
}

}  // namespace gauntlet::harness
