#pragma once
// Judge: gives a judgement about some material, in one of two forms. score(): every candidate
// scored on each aspect of a rubric (structured JSON reply; a debate). grade(): one grade read from
// a free-text reply with a GradePattern, the prompt typically rendered from a PromptTemplate
// (harness/prompts/) with the work's fields (a leak check; a suite's `scorer: judge`). A model judge (model_judge.h) asks a
// ModelClient; the built-in text-statistics judge (text_stats_judge.h) only scores, offline. Both
// throw JudgeError rather than return a made-up judgement. Several judges: judge_panel.h. Judges
// know nothing of tournaments or suites.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/clients/chat.h"
#include "harness/judges/grade_pattern.h"
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

// What to grade: the messages to send and how to read the grade from the reply.
struct GradeTask {
  std::vector<ChatMessage> messages;
  GradePattern pattern;
  // How the reply must give its grade, as the prompt says it (e.g. "a last line GRADE: C or
  // GRADE: I"); repeated to the judge after a reply whose grade could not be read.
  std::string reply_format;
  int replay = 0;  // as RubricTask::replay
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

struct GradeJudgement {
  std::string judge;
  Grade grade;
  std::string reply;  // the reply the grade was read from (its reasoning included)
  JudgeTrace trace;

  nlohmann::json to_json() const;
};

class Judge {
 public:
  virtual ~Judge() = default;
  virtual const std::string& name() const = 0;
  // Thread-safe; throw JudgeError.
  virtual RubricJudgement score(const RubricTask& task) = 0;
  virtual GradeJudgement grade(const GradeTask& task) = 0;
  // Whether grade() can answer at all (the text-statistics judge only scores).
  virtual bool grades() const { return true; }
};

}  // namespace gauntlet::harness
