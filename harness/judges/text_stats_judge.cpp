#include "harness/judges/text_stats_judge.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "harness/judges/judge_error.h"

namespace gauntlet::harness {
namespace {

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::string w;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '%') {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      words.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(std::move(w));
  return words;
}

int count_of(const std::vector<std::string>& words, std::initializer_list<const char*> markers) {
  int n = 0;
  for (const auto& w : words)
    for (const char* m : markers) n += w == m;
  return n;
}

int count_chars(const std::string& text, std::string_view chars) {
  return static_cast<int>(std::count_if(text.begin(), text.end(), [&](char c) { return chars.find(c) != std::string_view::npos; }));
}

// Fraction of `own` long words (5+ letters) that also occur in `other`.
double overlap(const std::vector<std::string>& own, const std::vector<std::string>& other) {
  std::set<std::string> theirs(other.begin(), other.end()), mine;
  for (const auto& w : own)
    if (w.size() >= 5) mine.insert(w);
  if (mine.empty()) return 0.0;
  int shared = 0;
  for (const auto& w : mine) shared += theirs.count(w) > 0;
  return static_cast<double>(shared) / static_cast<double>(mine.size());
}

// The statistics of one candidate's text, each already on 0..1.
std::map<std::string, double> statistics(const std::string& text, const std::string& shared, const std::string& others) {
  auto words = words_of(text);
  const double n = static_cast<double>(words.size());
  const int sentences = std::max(1, count_chars(text, ".!?"));
  const double per_sentence = n / sentences;
  auto rate = [&](double count, double per_100_words_for_full) {
    return n == 0 ? 0.0 : std::min(1.0, count / n * 100.0 / per_100_words_for_full);
  };
  std::map<std::string, double> s;
  s["clarity"] = n == 0 ? 0.0 : std::max(0.0, 1.0 - std::fabs(per_sentence - 16.0) / 16.0);
  s["coherence"] = rate(count_of(words, {"because", "therefore", "so", "since", "thus", "hence", "consequently"}), 3.0);
  s["relevance"] = overlap(words, words_of(shared));
  s["responsiveness"] = overlap(words, words_of(others));
  s["effectiveness"] = rate(count_of(words, {"however", "but", "fails", "ignores", "wrong", "contrary", "opponent"}), 3.0);
  s["balance"] = rate(count_of(words, {"although", "granted", "admittedly", "while", "merit", "fair"}), 1.5);
  int numbers = 0;
  for (const auto& w : words) numbers += std::isdigit(static_cast<unsigned char>(w[0])) != 0;
  s["use_of_evidence"] = rate(numbers + count_of(words, {"example", "study", "studies", "data", "survey", "surveys"}), 5.0);
  s["credibility"] = rate(count_of(words, {"according", "study", "studies", "research", "evidence", "report"}), 2.0);
  s["depth_of_analysis"] = std::min(1.0, n / 250.0);
  std::set<std::string> distinct(words.begin(), words.end());
  s["originality"] = n == 0 ? 0.0 : static_cast<double>(distinct.size()) / n;
  s["fairness"] = 1.0 - rate(count_of(words, {"stupid", "idiot", "ridiculous", "absurd", "nonsense", "liar"}), 1.0);
  s["conciseness"] = n == 0 ? 0.0 : std::max(0.0, 1.0 - std::fabs(n - 120.0) / 240.0);
  s["engagement"] = rate(count_chars(text, "?") + count_of(words, {"you", "we", "imagine", "consider"}), 3.0);
  s["organization"] = rate(count_of(words, {"first", "second", "third", "finally", "conclude", "conclusion"}), 2.0);
  s["persuasiveness"] = (s["coherence"] + s["use_of_evidence"] + s["effectiveness"]) / 3.0;
  return s;
}

}  // namespace

RubricJudgement TextStatsJudge::score(const RubricTask& task) {
  RubricJudgement out;
  out.judge = name_;
  std::string shared = task.instructions;
  for (const auto& p : task.passages)
    if (p.candidate.empty()) shared += "\n" + p.text;
  const auto& r = task.rubric;
  std::string reasoning;
  for (const auto& candidate : task.candidates) {
    std::string own, others;
    for (const auto& p : task.passages) {
      if (p.candidate == candidate) own += p.text + "\n";
      else if (!p.candidate.empty()) others += p.text + "\n";
    }
    auto stats = statistics(own, shared, others);
    double mean = 0.0;
    for (const auto& [k, v] : stats) mean += v;
    mean /= static_cast<double>(stats.size());
    CandidateScores cs;
    for (const auto& c : r.criteria)
      for (const auto& a : c.aspects) {
        auto it = stats.find(a);
        double v = it == stats.end() ? mean : it->second;
        cs[c.name][a] = r.min_score + static_cast<int>(std::lround(v * (r.max_score - r.min_score)));
      }
    out.totals[candidate] = r.weighted_total(cs);
    reasoning += fmt::format("{}{}: {} words, weighted total {:.2f}", reasoning.empty() ? "" : "; ", candidate,
                             words_of(own).size(), out.totals[candidate]);
    out.scores[candidate] = std::move(cs);
  }
  out.reasoning = "text statistics (offline stand-in judge): " + reasoning;
  return out;
}

GradeJudgement TextStatsJudge::grade(const GradeTask&) {
  throw JudgeError(fmt::format("judge {}: the text-statistics judge only scores rubrics; grading needs a model judge",
                               name_));
}

}  // namespace gauntlet::harness
