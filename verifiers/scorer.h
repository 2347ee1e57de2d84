#pragma once
// Scorer: judges one model answer against a reference. Pure and thread-safe after construction;
// a scorer that needs code execution (symbolic math, unit tests) goes through sandbox/ behind
// this same interface. A verdict may carry details (tests passed, the first failure) for the store.
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::verifiers {

// Thrown when a scorer is configured wrongly (unknown name, bad pattern, bad option value).
class ScorerConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by score() when the scorer cannot judge for a reason outside the answer (e.g. the sandbox
// its symbolic check needs cannot start). The sample is then recorded as failed, not as wrong.
class ScorerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Verdict {
  std::optional<std::string> extracted;  // answer pulled out of the completion; nullopt if none found
  double score = 0.0;                    // in [0, 1]
  bool correct = false;                  // score >= 1 (or passes the scorer's own threshold)
  nlohmann::json details;                // what the scorer found, stored with the sample; null: nothing
};

// What a scorer sees of one sample.
struct ScoringInput {
  const std::string& completion;  // the model's final text (reasoning already removed)
  const std::string& reference;   // the dataset answer
  const nlohmann::json& item;     // the whole dataset row (a code scorer's tests, a judge's fields)
  int replay = 0;                 // earlier attempts at scoring this sample that failed (a judge asks afresh)
};

class Scorer {
 public:
  virtual ~Scorer() = default;
  // `completion` is the model's final text (reasoning already removed); `reference` the dataset answer.
  virtual Verdict score(const std::string& completion, const std::string& reference) const = 0;
  // The same with the whole dataset row, for scorers that need more than the reference (a code
  // scorer's tests and entry point, a judge's fields). Default: score(completion, reference).
  virtual Verdict score_item(const ScoringInput& input) const { return score(input.completion, input.reference); }
  // "" when `item` (a dataset row) holds what this scorer needs, else what is missing or malformed;
  // checked for every row before a run sends anything.
  virtual std::string check_item(const nlohmann::json& item) const {
    (void)item;
    return "";
  }
  // How many samples this scorer can usefully score at once (a runner sizes its scoring threads by
  // it): 1 for pure text scorers, more for those that wait on a sandbox or a judge model.
  virtual int concurrency() const { return 1; }
  // Whether score_item judges a completion from the item alone, never reading the reference (a code
  // scorer runs the item's tests): only then may a runner let a policy use it to choose among
  // samples (budgets' `parallel` with `select: verifier`); checking against the reference would
  // be an oracle.
  virtual bool checks_without_reference() const { return false; }
  virtual std::string name() const = 0;
};

// Options are the task's scorer settings as strings (e.g. {"pattern": "...", "tolerance": "1e-6"}).
// Throws ScorerConfigError naming the option when a value is unknown or malformed.
using ScorerOptions = std::map<std::string, std::string>;
std::unique_ptr<Scorer> make_scorer(const std::string& name, const ScorerOptions& options);

// Option keys each scorer accepts (used by config validation to reject unknown keys).
const std::map<std::string, std::vector<std::string>>& scorer_option_keys();

}  // namespace gauntlet::verifiers
