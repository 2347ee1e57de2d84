#pragma once
// ThoughtChecker: runs a ThoughtVerifier over a stream's closed thoughts in order, pairing each
// answer-bearing thought with the previous one for p2, and turns the answers into ThoughtVerdicts
// for TrimRRules; every question asked becomes a VerifierCall (the record's "verifier_calls").
// A verifier failure (VerifierError or any exception) ends that thought's check with an error
// verdict and forgets the previous answer, so the next answer starts a fresh run (no trim from it).
// CheckQueue runs the checks on its own thread, one at a time in submission order, while decoding
// goes on (async), or inline at submission (sync); the decoding side polls ready() at each token.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/budgets/thought_verifier.h"
#include "harness/budgets/trimr_rules.h"

namespace gauntlet::harness {

struct VerifierCall {
  int thought = 0;
  std::string question;       // "p1" | "p2"
  int against = -1;           // p2: the earlier answer-bearing thought it was compared with
  std::optional<bool> verdict;
  std::string answer;         // p1: the candidate answer, when the verifier names one
  double latency_s = 0.0;
  std::string error;

  nlohmann::json to_json() const;
};

class ThoughtChecker {
 public:
  // `verifier` must outlive the checker.
  ThoughtChecker(ThoughtVerifier& verifier, std::string problem);
  ThoughtVerdict check(const Thought& thought, std::vector<VerifierCall>& calls);

 private:
  ThoughtVerifier& verifier_;
  std::string problem_;
  std::optional<Thought> previous_;  // the last answer-bearing thought and its p1 verdict
  AnswerCheck previous_check_;
};

struct CheckOutcome {
  ThoughtVerdict verdict;
  std::vector<VerifierCall> calls;
  int dispatched_at = 0;      // thinking tokens when the thought closed
};

class CheckQueue {
 public:
  CheckQueue(ThoughtVerifier& verifier, std::string problem, bool async);
  ~CheckQueue();  // abandons queued checks, waits for the running one
  CheckQueue(const CheckQueue&) = delete;
  CheckQueue& operator=(const CheckQueue&) = delete;

  void submit(Thought thought, int at_token);
  // Checks finished since the last call, in thought order.
  std::vector<CheckOutcome> ready();
  // Blocks until every submitted check has finished.
  void wait_all();
  // Stops checking: queued checks are dropped and returned (not run); waits for the running one,
  // whose outcome stays in ready().
  std::vector<std::pair<Thought, int>> stop();

 private:
  void run();

  ThoughtChecker checker_;
  bool async_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<Thought, int>> queue_;
  std::vector<CheckOutcome> done_;
  bool running_ = false;  // a check is in progress on the thread
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gauntlet::harness
