#pragma once
// Suite reports: per (model, task) aggregates computed only from stored samples, rendered as a text
// table, JSON, or one self-contained HTML file.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/store/sample_record.h"

namespace gauntlet::harness {

struct CellReport {
  std::string model;
  std::string task;
  std::int64_t items = 0;        // distinct item ids with at least one scored sample
  std::int64_t samples = 0;      // scored samples (errored ones excluded)
  std::int64_t correct = 0;
  double accuracy = 0.0;         // correct / samples (0 when samples == 0: rendered as null / "—")
  std::pair<double, double> ci95{0.0, 0.0};  // see ci_method; {0, 0} when samples == 0 (null / "—")
  // "wilson": one sample per item, Wilson score interval over samples. "bootstrap": several samples
  // per item, percentile bootstrap over items. "wilson-items": several samples per item but every
  // item scored the same, so no resample differs: Wilson over items (their mean score, n = items)
  // rather than a point. "" when samples == 0.
  std::string ci_method;
  std::map<int, double> pass_at_k;            // k -> unbiased pass@k over items with >= k samples
  double mean_prompt_tokens = 0.0;
  double mean_completion_tokens = 0.0;
  double mean_reasoning_tokens = 0.0;
  double mean_latency_s = 0.0;
  std::int64_t errors = 0;       // samples whose request failed
  std::int64_t retries = 0;      // total retries over all samples
  std::int64_t cached = 0;       // samples served from the response cache
};

struct ReportOptions {
  // Per task: the k values to report. Tasks not listed get 1, 2, 4, ... up to the smallest
  // per-item sample count, plus that count itself.
  std::map<std::string, std::vector<int>> pass_at_k;
  int bootstrap_iterations = 2000;
  std::uint64_t bootstrap_seed = 1234;
};

std::vector<CellReport> build_report(const std::vector<SampleRecord>& samples, const ReportOptions& options);

// Fixed-width table for terminals, then a line naming the interval methods used.
std::string render_text(const std::vector<CellReport>& cells);
// {"results":[{"model","task","samples","correct","accuracy","ci95":[lo,hi],"ci_method","pass_at_k":{"1":..},
// ...}]}; accuracy and ci95 are null when a cell has no scored sample.
nlohmann::json render_json(const std::vector<CellReport>& cells);
// One self-contained HTML document: tables plus inline SVG charts, no external resources.
// `sections` (HTML, e.g. tournament leaderboards, self-play steps) follow the suite results; "no
// samples" is said only when there are neither cells nor sections.
std::string render_html(const std::vector<CellReport>& cells, const std::string& title,
                        const std::string& sections = "");
// What each ci_method means, for footnotes.
std::string describe_ci_method(const std::string& method);

}  // namespace gauntlet::harness
