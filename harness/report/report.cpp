#include "harness/report/report.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <set>

#include <fmt/format.h>

#include "harness/report/text_table.h"
#include "harness/stats/metrics.h"

namespace gauntlet::harness {

namespace {

// Per-item tallies over scored samples: {n, c}.
struct ItemTally {
  int n = 0;
  int c = 0;
};

struct CellAccumulator {
  CellReport report;
  std::map<std::string, ItemTally> items;  // sorted by item id: deterministic bootstrap input
  double prompt_tokens = 0.0;
  double completion_tokens = 0.0;
  double reasoning_tokens = 0.0;
  double latency_s = 0.0;
};

std::vector<int> default_ks(int min_n) {
  std::set<int> ks;
  for (int k = 1; k <= min_n; k *= 2) ks.insert(k);
  if (min_n >= 1) ks.insert(min_n);
  return {ks.begin(), ks.end()};
}

void finish_cell(CellAccumulator& acc, const ReportOptions& options) {
  CellReport& r = acc.report;
  r.items = static_cast<std::int64_t>(acc.items.size());
  if (r.samples == 0) return;

  const auto n = static_cast<double>(r.samples);
  r.accuracy = static_cast<double>(r.correct) / n;
  r.mean_prompt_tokens = acc.prompt_tokens / n;
  r.mean_completion_tokens = acc.completion_tokens / n;
  r.mean_reasoning_tokens = acc.reasoning_tokens / n;
  r.mean_latency_s = acc.latency_s / n;

  const bool single = std::all_of(acc.items.begin(), acc.items.end(),
                                  [](const auto& entry) { return entry.second.n == 1; });
  if (single) {
    r.ci95 = wilson_interval(r.correct, r.samples);
    r.ci_method = "wilson";
  } else {
    std::vector<double> per_item;
    per_item.reserve(acc.items.size());
    for (const auto& [id, tally] : acc.items) {
      per_item.push_back(static_cast<double>(tally.c) / static_cast<double>(tally.n));
    }
    const bool alike = std::all_of(per_item.begin(), per_item.end(), [&](double v) { return v == per_item.front(); });
    if (alike) {
      // Every resample would be the same: a point, not an interval. Wilson over the items instead.
      r.ci95 = wilson_interval_p(per_item.front(), static_cast<double>(per_item.size()));
      r.ci_method = "wilson-items";
    } else {
      r.ci95 = bootstrap_interval(per_item, options.bootstrap_iterations, options.bootstrap_seed);
      r.ci_method = "bootstrap";
    }
  }

  std::vector<std::pair<int, int>> nc;
  nc.reserve(acc.items.size());
  int min_n = 0;
  for (const auto& [id, tally] : acc.items) {
    nc.emplace_back(tally.n, tally.c);
    min_n = nc.size() == 1 ? tally.n : std::min(min_n, tally.n);
  }

  std::vector<int> ks;
  if (auto it = options.pass_at_k.find(r.task); it != options.pass_at_k.end()) {
    ks = it->second;
  } else {
    ks = default_ks(min_n);
  }
  for (int k : ks) {
    if (k < 1) continue;
    const double value = mean_pass_at_k(nc, k);
    if (std::isnan(value)) continue;
    r.pass_at_k[k] = value;
  }
}

std::vector<int> union_of_ks(const std::vector<CellReport>& cells) {
  std::set<int> ks;
  for (const auto& cell : cells) {
    for (const auto& [k, value] : cell.pass_at_k) ks.insert(k);
  }
  return {ks.begin(), ks.end()};
}

}  // namespace

std::vector<CellReport> build_report(const std::vector<SampleRecord>& samples, const ReportOptions& options) {
  std::map<std::pair<std::string, std::string>, CellAccumulator> cells;
  for (const auto& s : samples) {
    auto [it, inserted] = cells.try_emplace({s.key.model, s.key.task});
    CellAccumulator& acc = it->second;
    if (inserted) {
      acc.report.model = s.key.model;
      acc.report.task = s.key.task;
    }
    CellReport& r = acc.report;
    r.retries += s.retries;
    if (s.cached) ++r.cached;
    if (!s.error.empty()) {
      ++r.errors;
      continue;
    }
    ++r.samples;
    if (s.correct) ++r.correct;
    ItemTally& tally = acc.items[s.key.item_id];
    ++tally.n;
    if (s.correct) ++tally.c;
    acc.prompt_tokens += static_cast<double>(s.usage.prompt_tokens);
    acc.completion_tokens += static_cast<double>(s.usage.completion_tokens);
    acc.reasoning_tokens += static_cast<double>(s.usage.reasoning_tokens);
    acc.latency_s += s.latency_s;
  }

  std::vector<CellReport> out;
  out.reserve(cells.size());
  for (auto& [key, acc] : cells) {
    finish_cell(acc, options);
    out.push_back(std::move(acc.report));
  }
  return out;
}

std::string render_text(const std::vector<CellReport>& cells) {
  if (cells.empty()) return "no samples\n";

  const std::vector<int> ks = union_of_ks(cells);
  std::vector<std::string> header = {"model", "task", "n", "acc", "95% CI"};
  std::vector<bool> right = {false, false, true, true, false};
  for (int k : ks) {
    header.push_back(fmt::format("p@{}", k));
    right.push_back(true);
  }
  for (const char* name : {"tokens", "latency_s", "errors"}) {
    header.emplace_back(name);
    right.push_back(true);
  }

  std::vector<std::vector<std::string>> rows;
  rows.reserve(cells.size());
  for (const auto& c : cells) {
    const bool scored = c.samples > 0;
    std::vector<std::string> row = {c.model, c.task, fmt::format("{}", c.samples),
                                    scored ? fmt::format("{:.3f}", c.accuracy) : "—",
                                    scored ? fmt::format("[{:.3f}, {:.3f}]", c.ci95.first, c.ci95.second) : "—"};
    for (int k : ks) {
      auto it = c.pass_at_k.find(k);
      row.push_back(it == c.pass_at_k.end() ? std::string() : fmt::format("{:.3f}", it->second));
    }
    row.push_back(fmt::format("{:.1f}", c.mean_completion_tokens));
    row.push_back(fmt::format("{:.2f}", c.mean_latency_s));
    row.push_back(fmt::format("{}", c.errors));
    rows.push_back(std::move(row));
  }

  std::string out = render_text_table(header, right, rows, true);
  std::set<std::string> methods;
  for (const auto& c : cells)
    if (!c.ci_method.empty()) methods.insert(c.ci_method);
  std::string notes;
  for (const auto& m : methods) notes += (notes.empty() ? "" : "; ") + describe_ci_method(m);
  if (!notes.empty()) out += "95% CI: " + notes + "\n";
  return out;
}

std::string describe_ci_method(const std::string& method) {
  if (method == "wilson") return "Wilson score interval (one sample per item)";
  if (method == "bootstrap") return "item-clustered percentile bootstrap (several samples per item)";
  if (method == "wilson-items")
    return "Wilson interval over items (several samples per item, all items scored alike: a bootstrap has no spread)";
  return method;
}

nlohmann::json render_json(const std::vector<CellReport>& cells) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& c : cells) {
    nlohmann::json pass = nlohmann::json::object();
    for (const auto& [k, value] : c.pass_at_k) pass[std::to_string(k)] = value;
    nlohmann::json row = nlohmann::json::object();
    row["model"] = c.model;
    row["task"] = c.task;
    row["items"] = c.items;
    row["samples"] = c.samples;
    row["correct"] = c.correct;
    const bool scored = c.samples > 0;
    row["accuracy"] = scored ? nlohmann::json(c.accuracy) : nlohmann::json(nullptr);
    row["ci95"] = scored ? nlohmann::json::array({c.ci95.first, c.ci95.second}) : nlohmann::json(nullptr);
    row["ci_method"] = scored ? nlohmann::json(c.ci_method) : nlohmann::json(nullptr);
    row["pass_at_k"] = std::move(pass);
    row["mean_prompt_tokens"] = c.mean_prompt_tokens;
    row["mean_completion_tokens"] = c.mean_completion_tokens;
    row["mean_reasoning_tokens"] = c.mean_reasoning_tokens;
    row["mean_latency_s"] = c.mean_latency_s;
    row["errors"] = c.errors;
    row["retries"] = c.retries;
    row["cached"] = c.cached;
    results.push_back(std::move(row));
  }
  nlohmann::json doc = nlohmann::json::object();
  doc["results"] = std::move(results);
  return doc;
}

}  // namespace gauntlet::harness
