#pragma once
// Budget / variant curves: per task, the models that are one model under different `budget:` or
// `routing:` settings (the variants of one entry, or separately named entries) compared on
// accuracy, thinking tokens, answer tokens, wall time and experts per token, each with a 95% CI.
//
// Models are grouped by content, not by name: two models share a base when their stored definitions
// (the fingerprint JSON in the store's models table) are equal once "budget" and "routing" are left
// out. A task gets a curve for every base with at least two models that have scored samples there;
// a store with no such pair (every store written before variants existed, as a rule) has no curves,
// and every report output stays exactly as it was.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/report/report.h"
#include "harness/store/sample_record.h"

namespace gauntlet::harness {

// A mean over samples with its 95% CI: item-clustered percentile bootstrap of the per-item means
// (stats/metrics.h bootstrap_interval, the report's seed and iterations); a point when there is one
// item or every item's mean is the same.
struct MeanCI {
  double mean = 0.0;
  std::pair<double, double> ci95{0.0, 0.0};
};

struct CurvePoint {
  std::string model;    // the store's model name
  std::string label;    // the name without the base's "<base>/" prefix
  nlohmann::json budget;   // the model's budget policy as stored (null = none)
  nlohmann::json routing;  // its routing controls as stored (null = none)
  std::int64_t items = 0;
  std::int64_t samples = 0;  // scored samples (errored ones excluded, as in the results table)
  double accuracy = 0.0;
  std::pair<double, double> ci95{0.0, 0.0};
  std::string ci_method;       // as CellReport::ci_method
  MeanCI thinking_tokens;      // usage.reasoning_tokens
  MeanCI answer_tokens;        // usage.completion_tokens - usage.reasoning_tokens (>= 0)
  MeanCI latency_s;            // wall time per sample
  // Mean over samples of the routing summary's experts_per_token, over the samples that have one
  // (routing.trace on); nullopt when none has.
  std::optional<MeanCI> experts_per_token;
  std::int64_t routed_samples = 0;
};

struct CurveGroup {
  std::string task;
  std::string base;  // the models' common "<base>/" prefix, else the first model's name
  std::vector<CurvePoint> points;  // by model name
  bool has_routing() const;  // some point has experts_per_token
};

// `models`: model name -> its stored definition JSON (store models' config_json parsed; a model
// missing here or not an object is a base of its own). Groups in (task, base) order.
std::vector<CurveGroup> build_curves(const std::vector<SampleRecord>& samples,
                                     const std::map<std::string, nlohmann::json>& models,
                                     const ReportOptions& options);

// One table per group, headed "== budget/variant curves: task T, base B"; "" when no groups.
std::string render_curves_text(const std::vector<CurveGroup>& groups);
// [{"task","base","points":[{"model","label","budget","routing","items","samples","accuracy","ci95",
//   "ci_method","thinking_tokens":{"mean","ci95"},"answer_tokens":{..},"latency_s":{..},
//   "experts_per_token":{"mean","ci95"}|null,"routed_samples"}]}]
nlohmann::json render_curves_json(const std::vector<CurveGroup>& groups);

}  // namespace gauntlet::harness
