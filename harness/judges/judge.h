#pragma once
// Judge: scores candidates on a rubric, or answers a yes/no question, about some material. A model
// judge (model_judge.h) asks a ModelClient; the built-in text-statistics judge
// (text_stats_judge.h) stands in offline. Both throw JudgeError rather than return a made-up score.
// Judges know nothing of tournaments or suites: a debate, a leak check or a suite answer are all
// material in passages plus a rubric or a question.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/clients/chat.h"
#include "harness/judges/rubric.h"

namespace gauntlet::harness {

// One piece of material, shown to the judge in order under its label. `candidate` names the
// candidate it belongs to ("" for shared material such as a question or a reference answer).
struct Passage {
  std::string candidate;
  std::string label;
  std::string text;
};

struct RubricTask {
  std::string instructions;            // what is judged, e.g. "a debate on the motion ..."
  std::vector<Passage> passages;
  std::vector<std::string> candidates;  // scored in this order, e.g. {"for", "against"} or {"answer"}
  Rubric rubric;
  // > 0 when earlier attempts at the same work failed: the judge asks afresh (never from a cache
  // that already gave the failed answer).
  int replay = 0;
};

struct VerdictTask {
  std::string instructions;
  std::vector<Passage> passages;
  std::string question;  // answered yes or no
  int replay = 0;
};

// How a judge arrived at its judgement: what it was sent and what came back, per attempt.
struct JudgeTrace {
  nlohmann::json messages = nlohmann::json::array();  // the last request's messages
  std::vector<std::string> replies;                    // every reply, in order
  std::vector<std::string> problems;                   // why each unread reply was rejected
  Usage usage;
  double latency_s = 0.0;
  bool from_cache = false;

  nlohmann::json to_json() const;
};

struct RubricJudgement {
  std::string judge;
  std::map<std::string, CandidateScores> scores;  // candidate -> criterion -> aspect -> score
  std::map<std::string, double> totals;           // candidate -> Rubric::weighted_total
  std::string reasoning;
  JudgeTrace trace;

  nlohmann::json to_json() const;
};

struct VerdictJudgement {
  std::string judge;
  bool yes = false;
  std::string reasoning;
  JudgeTrace trace;

  nlohmann::json to_json() const;
};

class Judge {
 public:
  virtual ~Judge() = default;
  virtual const std::string& name() const = 0;
  // Thread-safe; throw JudgeError.
  virtual RubricJudgement score(const RubricTask& task) = 0;
  virtual VerdictJudgement decide(const VerdictTask& task) = 0;
  // Whether decide() can answer at all (the text-statistics judge only scores).
  virtual bool decides() const { return true; }
};

}  // namespace gauntlet::harness
