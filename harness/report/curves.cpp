#include "harness/report/curves.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "harness/report/text_table.h"
#include "harness/stats/metrics.h"

namespace gauntlet::harness {
namespace {

// Sums of one item's scored samples.
struct ItemSums {
  double thinking = 0.0, answer = 0.0, latency = 0.0, experts = 0.0;
  int n = 0, routed = 0;
};

// What makes models one base: their definition without the settings a variant may change.
std::string base_key(const std::string& model, const std::map<std::string, nlohmann::json>& models) {
  auto it = models.find(model);
  if (it == models.end() || !it->second.is_object()) return "name:" + model;
  nlohmann::json j = it->second;
  j.erase("budget");
  j.erase("routing");
  return "definition:" + j.dump();
}

nlohmann::json stored_key(const std::string& model, const std::map<std::string, nlohmann::json>& models,
                          const char* key) {
  auto it = models.find(model);
  if (it == models.end() || !it->second.is_object() || !it->second.contains(key)) return nullptr;
  return it->second[key];
}

// The per-sample experts per token of a stored routing summary; nullopt when there is none.
std::optional<double> experts_per_token(const std::string& routing_json) {
  if (routing_json.empty()) return std::nullopt;
  auto j = nlohmann::json::parse(routing_json, nullptr, false);
  if (!j.is_object() || !j.contains("experts_per_token") || !j["experts_per_token"].is_number()) return std::nullopt;
  return j["experts_per_token"].get<double>();
}

MeanCI mean_ci(double sum, double n, const std::vector<double>& per_item, const ReportOptions& options) {
  MeanCI m;
  if (n <= 0 || per_item.empty()) return m;
  m.mean = sum / n;
  m.ci95 = bootstrap_interval(per_item, options.bootstrap_iterations, options.bootstrap_seed);
  return m;
}

// The longest "<prefix>/" every name starts with, without its slash; "" when there is none.
std::string common_base(const std::vector<std::string>& names) {
  std::string prefix = names.front();
  for (const auto& n : names) {
    std::size_t i = 0;
    while (i < prefix.size() && i < n.size() && prefix[i] == n[i]) ++i;
    prefix.resize(i);
  }
  auto slash = prefix.rfind('/');
  if (slash == std::string::npos || slash == 0) return "";
  // Every name must go on after the prefix (a name equal to the prefix is no variant of it).
  for (const auto& n : names)
    if (n.size() <= slash + 1) return "";
  return prefix.substr(0, slash);
}

std::string fmt_ci(const std::pair<double, double>& ci, const char* spec) {
  return fmt::format(fmt::runtime(std::string("[{:") + spec + "}, {:" + spec + "}]"), ci.first, ci.second);
}

nlohmann::json mean_json(const MeanCI& m) {
  return {{"mean", m.mean}, {"ci95", nlohmann::json::array({m.ci95.first, m.ci95.second})}};
}

}  // namespace

bool CurveGroup::has_routing() const {
  return std::any_of(points.begin(), points.end(), [](const CurvePoint& p) { return p.experts_per_token.has_value(); });
}

std::vector<CurveGroup> build_curves(const std::vector<SampleRecord>& samples,
                                     const std::map<std::string, nlohmann::json>& models,
                                     const ReportOptions& options) {
  // (task, model) -> item id -> sums, over scored samples only (as the results table counts them).
  std::map<std::pair<std::string, std::string>, std::map<std::string, ItemSums>> sums;
  for (const auto& s : samples) {
    if (!s.error.empty()) continue;
    ItemSums& item = sums[{s.key.task, s.key.model}][s.key.item_id];
    ++item.n;
    item.thinking += static_cast<double>(s.usage.reasoning_tokens);
    item.answer += static_cast<double>(std::max<std::int64_t>(0, s.usage.completion_tokens - s.usage.reasoning_tokens));
    item.latency += s.latency_s;
    if (auto e = experts_per_token(s.routing_json)) {
      item.experts += *e;
      ++item.routed;
    }
  }
  // Accuracy and its interval exactly as the results table has them.
  std::map<std::pair<std::string, std::string>, CellReport> cells;
  for (auto& c : build_report(samples, options)) cells[{c.task, c.model}] = std::move(c);

  // task -> base key -> models (sorted, as the map iterates).
  std::map<std::string, std::map<std::string, std::vector<std::string>>> grouped;
  for (const auto& [key, items] : sums) grouped[key.first][base_key(key.second, models)].push_back(key.second);

  std::vector<CurveGroup> groups;
  for (const auto& [task, bases] : grouped)
    for (const auto& [key, names] : bases) {
      if (names.size() < 2) continue;
      CurveGroup g;
      g.task = task;
      const std::string base = common_base(names);
      g.base = base.empty() ? names.front() : base;
      for (const auto& model : names) {
        const auto& items = sums.at({task, model});
        const CellReport& cell = cells.at({task, model});
        CurvePoint p;
        p.model = model;
        p.label = base.empty() ? model : model.substr(base.size() + 1);
        p.budget = stored_key(model, models, "budget");
        p.routing = stored_key(model, models, "routing");
        p.items = cell.items;
        p.samples = cell.samples;
        p.accuracy = cell.accuracy;
        p.ci95 = cell.ci95;
        p.ci_method = cell.ci_method;
        double n = 0, thinking = 0, answer = 0, latency = 0, experts = 0, routed = 0;
        std::vector<double> t_items, a_items, l_items, e_items;
        for (const auto& [id, s] : items) {
          n += s.n;
          thinking += s.thinking;
          answer += s.answer;
          latency += s.latency;
          t_items.push_back(s.thinking / s.n);
          a_items.push_back(s.answer / s.n);
          l_items.push_back(s.latency / s.n);
          if (s.routed > 0) {
            routed += s.routed;
            experts += s.experts;
            e_items.push_back(s.experts / s.routed);
          }
        }
        p.thinking_tokens = mean_ci(thinking, n, t_items, options);
        p.answer_tokens = mean_ci(answer, n, a_items, options);
        p.latency_s = mean_ci(latency, n, l_items, options);
        if (routed > 0) p.experts_per_token = mean_ci(experts, routed, e_items, options);
        p.routed_samples = static_cast<std::int64_t>(routed);
        g.points.push_back(std::move(p));
      }
      groups.push_back(std::move(g));
    }
  return groups;
}

std::string render_curves_text(const std::vector<CurveGroup>& groups) {
  std::string out;
  for (const auto& g : groups) {
    const bool routing = g.has_routing();
    std::vector<std::string> header = {"variant", "n", "acc", "95% CI", "think", "95% CI", "answer", "latency_s", "95% CI"};
    if (routing) {
      header.emplace_back("experts/tok");
      header.emplace_back("95% CI");
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : g.points) {
      const bool scored = p.samples > 0;
      std::vector<std::string> row = {p.label,
                                      fmt::format("{}", p.samples),
                                      scored ? fmt::format("{:.3f}", p.accuracy) : "—",
                                      scored ? fmt_ci(p.ci95, ".3f") : "—",
                                      fmt::format("{:.1f}", p.thinking_tokens.mean),
                                      fmt_ci(p.thinking_tokens.ci95, ".1f"),
                                      fmt::format("{:.1f}", p.answer_tokens.mean),
                                      fmt::format("{:.3f}", p.latency_s.mean),
                                      fmt_ci(p.latency_s.ci95, ".3f")};
      if (routing) {
        row.push_back(p.experts_per_token ? fmt::format("{:.2f}", p.experts_per_token->mean) : "—");
        row.push_back(p.experts_per_token ? fmt_ci(p.experts_per_token->ci95, ".2f") : "—");
      }
      rows.push_back(std::move(row));
    }
    std::vector<bool> right(header.size(), true);
    right[0] = false;
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == "95% CI") right[i] = false;
    out += fmt::format("\n== budget/variant curves: task {}, base {}\n", g.task, g.base);
    out += render_text_table(header, right, rows, true);
  }
  if (!out.empty())
    out += "think/answer: mean reasoning / answer tokens per sample; latency_s: mean wall time per sample; "
           "their 95% CI: item-clustered percentile bootstrap\n";
  return out;
}

nlohmann::json render_curves_json(const std::vector<CurveGroup>& groups) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& g : groups) {
    nlohmann::json points = nlohmann::json::array();
    for (const auto& p : g.points) {
      const bool scored = p.samples > 0;
      nlohmann::json j = nlohmann::json::object();
      j["model"] = p.model;
      j["label"] = p.label;
      j["budget"] = p.budget;
      j["routing"] = p.routing;
      j["items"] = p.items;
      j["samples"] = p.samples;
      j["accuracy"] = scored ? nlohmann::json(p.accuracy) : nlohmann::json(nullptr);
      j["ci95"] = scored ? nlohmann::json::array({p.ci95.first, p.ci95.second}) : nlohmann::json(nullptr);
      j["ci_method"] = scored ? nlohmann::json(p.ci_method) : nlohmann::json(nullptr);
      j["thinking_tokens"] = mean_json(p.thinking_tokens);
      j["answer_tokens"] = mean_json(p.answer_tokens);
      j["latency_s"] = mean_json(p.latency_s);
      j["experts_per_token"] = p.experts_per_token ? mean_json(*p.experts_per_token) : nlohmann::json(nullptr);
      j["routed_samples"] = p.routed_samples;
      points.push_back(std::move(j));
    }
    out.push_back({{"task", g.task}, {"base", g.base}, {"points", std::move(points)}});
  }
  return out;
}

}  // namespace gauntlet::harness
