#include "harness/clients/routing_config.h"

#include <fmt/format.h>

#include "harness/errors/errors.h"
#include "harness/input/json_file.h"
#include "harness/input/yaml_reader.h"

namespace gauntlet::harness {

namespace {

nlohmann::json pairs_json(const std::vector<engine::ExpertId>& ids) {
  auto a = nlohmann::json::array();
  for (const auto& id : ids) a.push_back({id.layer, id.expert});
  return a;
}

std::vector<engine::ExpertId> pairs_from_json(const nlohmann::json& a) {
  std::vector<engine::ExpertId> ids;
  for (const auto& p : a) ids.push_back({p.at(0).get<int>(), p.at(1).get<int>()});
  return ids;
}

}  // namespace

nlohmann::json read_routing_block(MapReader& parent, const std::string& key, const std::filesystem::path& base) {
  if (!parent.has(key)) {
    parent.get(key);
    return nullptr;
  }
  MapReader r(parent.get(key), parent.file(), parent.path(key));
  nlohmann::json j = nlohmann::json::object();
  auto fail = [&](const std::string& k, const std::string& what) { r.fail(r.node()[k], r.path(k), what); };
  auto expert_list = [&](const std::string& k) -> std::vector<engine::ExpertId> {
    auto n = r.get(k);
    std::string text;
    if (n.IsScalar()) {
      text = n.Scalar();
    } else if (n.IsSequence()) {
      for (const auto& e : n) {
        if (!e.IsScalar()) fail(k, "expected \"L:E,L:E\" or a list of \"L:E\" strings");
        text += (text.empty() ? "" : ",") + e.Scalar();
      }
    } else {
      fail(k, "expected \"L:E,L:E\" or a list of \"L:E\" strings");
    }
    try {
      return engine::parse_expert_list(text, k);
    } catch (const engine::RoutingError& e) {
      r.fail(r.node()[k], r.path(k), e.what());
    }
  };

  if (auto v = r.opt<int>("top_k")) {
    if (*v < 1) fail("top_k", "must be >= 1");
    j["top_k"] = *v;
  }
  if (auto v = r.opt<double>("top_p")) {
    if (!(*v > 0 && *v <= 1)) fail("top_p", "must be in (0, 1]");
    j["top_p"] = *v;
  }
  const auto min_experts = r.opt<int>("min_experts");
  const auto max_experts = r.opt<int>("max_experts");
  const auto raw = r.opt<bool>("raw_weights");
  if ((min_experts || max_experts || raw) && !j.contains("top_p"))
    fail(min_experts ? "min_experts" : max_experts ? "max_experts" : "raw_weights", "applies only with top_p");
  if (min_experts) {
    if (*min_experts < 1) fail("min_experts", "must be >= 1");
    j["min_experts"] = *min_experts;
  }
  if (max_experts) {
    if (*max_experts < 1 || (min_experts && *max_experts < *min_experts))
      fail("max_experts", "must be >= 1 and >= min_experts");
    j["max_experts"] = *max_experts;
  }
  if (raw) j["raw_weights"] = *raw;

  std::vector<engine::ExpertId> rice;
  if (r.has("rice")) rice = expert_list("rice");
  else r.get("rice");
  if (auto from = r.opt<std::string>("rice_from")) {
    if (!rice.empty()) fail("rice_from", "give rice or rice_from, not both");
    std::filesystem::path p(*from);
    if (p.is_relative()) p = base / p;
    try {
      rice = read_expert_file(p, r.opt<int>("rice_top").value_or(0));
    } catch (const UsageError& e) {
      fail("rice_from", e.what());
    }
  } else {
    r.get("rice_top");
  }
  const auto beta = r.opt<double>("rice_beta");
  const auto mode = r.opt<std::string>("rice_mode");
  const auto renorm = r.opt<bool>("rice_renormalize");
  if (rice.empty() && (beta || mode || renorm))
    fail(beta ? "rice_beta" : mode ? "rice_mode" : "rice_renormalize", "needs rice or rice_from");
  if (!rice.empty()) {
    if (!beta) fail("rice_beta", "rice needs rice_beta (the paper uses 64 for two experts)");
    if (!(*beta > 0)) fail("rice_beta", "must be > 0");
    j["rice"] = pairs_json(rice);
    j["rice_beta"] = *beta;
    try {
      j["rice_mode"] = engine::to_string(engine::parse_rice_mode(mode.value_or("after_topk")));
    } catch (const engine::RoutingError& e) {
      fail("rice_mode", e.what());
    }
    j["rice_renormalize"] = renorm.value_or(true);
  }
  if (r.has("expert_mask")) {
    j["mask"] = pairs_json(expert_list("expert_mask"));
    try {
      j["mask_mode"] = engine::to_string(engine::parse_mask_mode(r.opt<std::string>("mask_mode").value_or("exclude")));
    } catch (const engine::RoutingError& e) {
      fail("mask_mode", e.what());
    }
  } else {
    r.get("expert_mask");
    if (r.opt<std::string>("mask_mode")) fail("mask_mode", "needs expert_mask");
  }
  if (r.opt<bool>("trace").value_or(false)) j["trace"] = true;
  r.finish();
  return j;
}

engine::RoutingControls routing_controls(const nlohmann::json& j) {
  engine::RoutingControls c;
  if (!j.is_object()) return c;
  c.top_k = j.value("top_k", 0);
  c.top_p = j.value("top_p", 0.0);
  c.min_experts = j.value("min_experts", 1);
  c.max_experts = j.value("max_experts", 0);
  c.raw_weights = j.value("raw_weights", false);
  if (j.contains("rice")) {
    c.rice = pairs_from_json(j["rice"]);
    c.rice_beta = j.value("rice_beta", 1.0);
    c.rice_mode = engine::parse_rice_mode(j.value("rice_mode", std::string("after_topk")));
    c.rice_renormalize = j.value("rice_renormalize", true);
  }
  if (j.contains("mask")) {
    c.mask = pairs_from_json(j["mask"]);
    c.mask_mode = engine::parse_mask_mode(j.value("mask_mode", std::string("exclude")));
  }
  return c;
}

bool routing_trace_enabled(const nlohmann::json& j) { return j.is_object() && j.value("trace", false); }

nlohmann::json routing_fingerprint(const nlohmann::json& j) {
  if (!j.is_object()) return nullptr;
  nlohmann::json f = j;
  f.erase("trace");
  return f.empty() ? nlohmann::json(nullptr) : f;
}

std::vector<engine::ExpertId> read_expert_file(const std::filesystem::path& path, int top) {
  const nlohmann::json j = read_json_file(path, "expected the output of `gauntlet experts npmi --json`");
  if (!j.is_object() || !j.contains("experts") || !j["experts"].is_array())
    throw UsageError(fmt::format("{}: no \"experts\" array (expected the output of `gauntlet experts npmi --json`)",
                                 path.string()));
  std::vector<engine::ExpertId> ids;
  for (std::size_t i = 0; i < j["experts"].size(); ++i) {
    const auto& e = j["experts"][i];
    if (!e.is_object() || !e.contains("layer") || !e.contains("expert") || !e["layer"].is_number_integer() ||
        !e["expert"].is_number_integer() || e["layer"].get<int>() < 0 || e["expert"].get<int>() < 0)
      throw UsageError(fmt::format("{}: experts[{}] needs non-negative integer \"layer\" and \"expert\"", path.string(), i));
    ids.push_back({e["layer"].get<int>(), e["expert"].get<int>()});
    if (top > 0 && static_cast<int>(ids.size()) == top) break;
  }
  if (ids.empty()) throw UsageError(fmt::format("{}: the \"experts\" array is empty", path.string()));
  return ids;
}

nlohmann::json routing_summary(const std::vector<engine::PositionRoutes>& trace, int num_experts) {
  std::vector<int> layers;
  std::vector<std::vector<std::int64_t>> load;
  std::int64_t selections = 0, layer_positions = 0;
  for (const auto& position : trace)
    for (const auto& lr : position) {
      std::size_t slot = 0;
      while (slot < layers.size() && layers[slot] != lr.layer) ++slot;
      if (slot == layers.size()) {
        layers.push_back(lr.layer);
        load.emplace_back(static_cast<std::size_t>(num_experts), 0);
      }
      for (int e : lr.experts)
        if (e >= 0 && e < num_experts) ++load[slot][static_cast<std::size_t>(e)];
      selections += static_cast<std::int64_t>(lr.experts.size());
      ++layer_positions;
    }
  nlohmann::json j;
  j["tokens"] = trace.size();
  j["experts_per_token"] = layer_positions ? static_cast<double>(selections) / static_cast<double>(layer_positions) : 0.0;
  j["layers"] = nlohmann::json::array();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    std::int64_t n = 0;
    for (auto c : load[i]) n += c;
    j["layers"].push_back({{"layer", layers[i]},
                           {"experts_per_token", trace.empty() ? 0.0 : static_cast<double>(n) / static_cast<double>(trace.size())},
                           {"load", load[i]}});
  }
  return j;
}

nlohmann::json routing_trace_json(const std::vector<engine::PositionRoutes>& trace) {
  auto out = nlohmann::json::array();
  for (const auto& position : trace) {
    auto p = nlohmann::json::array();
    for (const auto& lr : position) p.push_back({{"layer", lr.layer}, {"experts", lr.experts}, {"weights", lr.weights}});
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace gauntlet::harness
