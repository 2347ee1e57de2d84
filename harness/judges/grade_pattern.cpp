#include "harness/judges/grade_pattern.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

namespace gauntlet::harness {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string number_label(double v) { return fmt::format("{}", v); }  // shortest round-trip form

double finite_number(const nlohmann::json& v, const std::string& what) {
  if (!v.is_number()) throw std::invalid_argument(fmt::format("grade pattern: {} must be a number", what));
  double d = v.get<double>();
  if (!std::isfinite(d)) throw std::invalid_argument(fmt::format("grade pattern: {} must be finite", what));
  return d;
}

}  // namespace

nlohmann::json Grade::to_json() const { return {{"label", label}, {"value", value}, {"passed", passed}}; }

GradePattern::GradePattern(Spec spec) : spec_(std::move(spec)) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(spec_.pattern, options);
  if (!re->ok())
    throw std::invalid_argument(fmt::format("grade pattern \"{}\" does not compile: {}", spec_.pattern, re->error()));
  if (re->NumberOfCapturingGroups() != 1)
    throw std::invalid_argument(fmt::format("grade pattern \"{}\" must have exactly one capturing group (the grade), "
                                            "not {}; write (?:...) for the others",
                                            spec_.pattern, re->NumberOfCapturingGroups()));
  re_ = std::move(re);
  if (spec_.choices.empty()) {
    if (!std::isfinite(spec_.min) || !std::isfinite(spec_.max) || spec_.min >= spec_.max)
      throw std::invalid_argument(fmt::format("grade pattern: the range [{}, {}] needs finite min < max", spec_.min,
                                              spec_.max));
  } else {
    std::vector<std::string> seen;
    for (const auto& [label, value] : spec_.choices) {
      if (trimmed(label).empty() || trimmed(label) != label)
        throw std::invalid_argument(fmt::format("grade pattern: label \"{}\" must be non-empty, without surrounding "
                                                "spaces",
                                                label));
      if (std::find(seen.begin(), seen.end(), lower(label)) != seen.end())
        throw std::invalid_argument(fmt::format("grade pattern: label \"{}\" is given twice", label));
      seen.push_back(lower(label));
      if (!std::isfinite(value)) throw std::invalid_argument(fmt::format("grade pattern: label \"{}\" needs a finite value", label));
    }
  }
  if (spec_.pass && !std::isfinite(*spec_.pass)) throw std::invalid_argument("grade pattern: pass must be finite");
}

GradePattern GradePattern::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("grade pattern: expected an object with \"pattern\"");
  for (const auto& [key, value] : j.items())
    if (key != "pattern" && key != "choices" && key != "range" && key != "pass")
      throw std::invalid_argument(fmt::format("grade pattern: unknown key \"{}\" (valid: pattern, choices, range, pass)", key));
  if (!j.contains("pattern") || !j["pattern"].is_string())
    throw std::invalid_argument("grade pattern: \"pattern\" (a regular expression with one group) is required");
  if (j.contains("choices") == j.contains("range"))
    throw std::invalid_argument("grade pattern: give exactly one of \"choices\" (label: value) or \"range\" ([min, max])");
  Spec spec;
  spec.pattern = j["pattern"].get<std::string>();
  if (j.contains("choices")) {
    const auto& c = j["choices"];
    if (!c.is_object() || c.empty())
      throw std::invalid_argument("grade pattern: \"choices\" must be a non-empty object of label: value");
    for (const auto& [label, value] : c.items()) spec.choices.emplace_back(label, finite_number(value, "choices." + label));
  } else {
    const auto& r = j["range"];
    if (!r.is_array() || r.size() != 2) throw std::invalid_argument("grade pattern: \"range\" must be [min, max]");
    spec.min = finite_number(r[0], "range[0]");
    spec.max = finite_number(r[1], "range[1]");
  }
  if (j.contains("pass")) spec.pass = finite_number(j["pass"], "pass");
  return GradePattern(std::move(spec));
}

nlohmann::json GradePattern::to_json() const {
  nlohmann::json j = {{"pattern", spec_.pattern}, {"pass", pass_at()}};
  if (spec_.choices.empty()) {
    j["range"] = {spec_.min, spec_.max};
  } else {
    j["choices"] = nlohmann::json::object();
    for (const auto& [label, value] : spec_.choices) j["choices"][label] = value;
  }
  return j;
}

double GradePattern::pass_at() const {
  if (spec_.pass) return *spec_.pass;
  if (spec_.choices.empty()) return spec_.max;
  double top = spec_.choices.front().second;
  for (const auto& [label, value] : spec_.choices) top = std::max(top, value);
  return top;
}

std::string GradePattern::describe() const {
  if (spec_.choices.empty()) return fmt::format("a number from {} to {}", spec_.min, spec_.max);
  auto choices = spec_.choices;  // best first
  std::stable_sort(choices.begin(), choices.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += choices[i].first;
  }
  return out;
}

std::optional<Grade> GradePattern::grade_of(std::string_view text) const {
  const std::string t = trimmed(text);
  Grade g;
  if (!spec_.choices.empty()) {
    auto it = std::find_if(spec_.choices.begin(), spec_.choices.end(),
                           [&](const auto& c) { return lower(c.first) == lower(t); });
    if (it == spec_.choices.end()) return std::nullopt;
    g.label = it->first;
    g.value = it->second;
  } else {
    if (t.empty() || t.size() > 64) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || !std::isfinite(v) || v < spec_.min || v > spec_.max) return std::nullopt;
    g.value = v;
    g.label = number_label(v);
  }
  g.passed = g.value >= pass_at();
  return g;
}

std::string GradePattern::read(std::string_view reply, Grade* out) const {
  re2::StringPiece text(reply.data(), reply.size());
  re2::StringPiece groups[2];
  std::optional<std::string> last;
  for (std::size_t pos = 0; pos <= text.size();) {
    if (!re_->Match(text, pos, text.size(), RE2::UNANCHORED, groups, 2)) break;
    if (groups[1].data() != nullptr) last.emplace(groups[1].data(), groups[1].size());
    const std::size_t end = static_cast<std::size_t>(groups[0].data() - text.data()) + groups[0].size();
    pos = groups[0].empty() ? end + 1 : end;
  }
  if (!last) return fmt::format("no grade matching /{}/ was found", spec_.pattern);
  auto g = grade_of(*last);
  if (!g) return fmt::format("the grade \"{}\" is not {}", *last, describe());
  *out = std::move(*g);
  return "";
}

}  // namespace gauntlet::harness
