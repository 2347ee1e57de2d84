#include "verifiers/regex_scorer.h"

#include <re2/re2.h>

#include "verifiers/answer_normalizer.h"
#include "verifiers/scorer_options.h"

namespace gauntlet::verifiers {

namespace {

// Relative tolerance for the numeric comparison: absorbs "0.1" vs "1e-1" style differences only.
constexpr double kNumericTolerance = 1e-9;

}  // namespace

RegexScorer::RegexScorer(const ScorerOptions& options) {
  auto pattern = option_value(options, "pattern");
  if (!pattern) throw ScorerConfigError("scorer 'regex': option 'pattern' is required");
  RE2::Options re_options;
  re_options.set_log_errors(false);
  pattern_ = std::make_unique<RE2>(*pattern, re_options);
  if (!pattern_->ok()) {
    throw ScorerConfigError("scorer 'regex': option 'pattern' \"" + *pattern +
                            "\" does not compile: " + pattern_->error());
  }
  if (pattern_->NumberOfCapturingGroups() < 1) {
    throw ScorerConfigError("scorer 'regex': option 'pattern' \"" + *pattern +
                            "\" has no capture group; group 1 is the extracted answer");
  }
  select_last_ = option_enum(options, "regex", "select", {"first", "last"}, "first") == "last";
}

RegexScorer::~RegexScorer() = default;

std::optional<std::string> RegexScorer::extract(std::string_view completion) const {
  re2::StringPiece text(completion.data(), completion.size());
  re2::StringPiece groups[2];
  std::optional<std::string> selected;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    if (!pattern_->Match(text, pos, text.size(), RE2::UNANCHORED, groups, 2)) break;
    if (groups[1].data() == nullptr) {
      selected.reset();
    } else {
      selected.emplace(groups[1].data(), groups[1].size());
    }
    if (!select_last_) break;
    std::size_t match_end = static_cast<std::size_t>(groups[0].data() - text.data()) + groups[0].size();
    pos = groups[0].empty() ? match_end + 1 : match_end;
  }
  return selected;
}

Verdict RegexScorer::score(const std::string& completion, const std::string& reference) const {
  Verdict verdict;
  verdict.extracted = extract(completion);
  if (!verdict.extracted) return verdict;
  auto answer_number = parse_plain_number(*verdict.extracted);
  auto reference_number = parse_plain_number(reference);
  if (answer_number && reference_number) {
    verdict.correct = numbers_close(*answer_number, *reference_number, kNumericTolerance, 1e-12);
  } else {
    verdict.correct = normalize_exact(*verdict.extracted) == normalize_exact(reference);
  }
  verdict.score = verdict.correct ? 1.0 : 0.0;
  return verdict;
}

}  // namespace gauntlet::verifiers
