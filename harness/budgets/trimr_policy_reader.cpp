#include "harness/budgets/trimr_policy_reader.h"

#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "harness/budgets/extract_verifier.h"
#include "harness/budgets/policy_reader.h"
#include "harness/clients/model_spec_reader.h"

namespace gauntlet::harness {
namespace {

template <typename T>
std::optional<T> opt_at_least(MapReader& r, const std::string& key, T min) {
  auto v = r.opt<T>(key);
  if (v && *v < min) r.fail(r.node()[key], r.path(key), fmt::format("must be at least {}", min));
  return v;
}

std::optional<std::string> opt_text(MapReader& r, const std::string& key, bool may_be_empty) {
  auto v = r.opt<std::string>(key);
  if (v && v->empty() && !may_be_empty) r.fail(r.node()[key], r.path(key), "must not be empty");
  return v;
}

ExtractOptions read_extract(MapReader& r, const std::string& pattern_key) {
  ExtractOptions o;
  if (auto p = opt_text(r, pattern_key, false)) {
    o.pattern = *p;
    try {
      ExtractVerifier check(o);
    } catch (const std::invalid_argument& e) {
      r.fail(r.node()[pattern_key], r.path(pattern_key), e.what());
    }
  }
  if (auto l = r.opt<bool>("last_number")) o.last_number = *l;
  return o;
}

void require_placeholders(MapReader& r, const std::string& key, const std::string& prompt,
                          const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (prompt.find("{" + n + "}") == std::string::npos)
      r.fail(r.node()[key], r.path(key), fmt::format("must contain {{{}}}", n));
}

void read_verifier(MapReader& parent, TrimRPolicy& p) {
  p.async = false;
  if (!parent.has("verifier")) {
    parent.get("verifier");
    return;
  }
  const YAML::Node node = parent.get("verifier");
  std::string kind;
  if (node.IsScalar()) {
    kind = node.Scalar();
    if (kind == "model") parent.fail(node, parent.path("verifier"), "the model verifier needs a mapping with model:");
    if (kind != "extract")
      parent.fail(node, parent.path("verifier"), fmt::format("unknown verifier '{}' (valid: extract, model)", kind));
    return;
  }
  if (!node.IsMap())
    parent.fail(node, parent.path("verifier"), "expected extract, or a mapping with kind: extract | model");
  MapReader r(node, parent.file(), parent.path("verifier"));
  kind = r.req_string("kind");
  if (kind == "extract") {
    p.verifier = TrimRVerifierKind::kExtract;
    p.extract = read_extract(r, "pattern");
  } else if (kind == "model") {
    p.verifier = TrimRVerifierKind::kModel;
    p.async = true;
    if (!r.has("model")) r.fail(r.node(), r.path("model"), "required key is missing (an inline model entry)");
    p.verifier_model = std::make_shared<const ModelSpec>(
        read_model_spec(r.get("model"), r.file(), r.path("model"), "trimr-verifier"));
    if (auto t = opt_at_least(r, "max_tokens", 1)) p.model.max_tokens = *t;
    if (auto s = opt_text(r, "p1_prompt", false)) {
      require_placeholders(r, "p1_prompt", *s, {"thought"});
      p.model.p1_prompt = *s;
    }
    if (auto s = opt_text(r, "p2_prompt", false)) {
      require_placeholders(r, "p2_prompt", *s, {"a", "b"});
      p.model.p2_prompt = *s;
    }
  } else {
    r.fail(r.node()["kind"], r.path("kind"), fmt::format("unknown verifier '{}' (valid: extract, model)", kind));
  }
  if (auto a = r.opt<bool>("async")) p.async = *a;
  r.finish();
}

RepetitionOptions read_repetition(MapReader& parent) {
  RepetitionOptions o;
  if (!parent.has("repetition")) {
    parent.get("repetition");
    return o;
  }
  const YAML::Node node = parent.get("repetition");
  if (node.IsScalar()) {
    try {
      o.enabled = node.as<bool>();
    } catch (const YAML::Exception&) {
      parent.fail(node, parent.path("repetition"), "expected true, false or a mapping (max_period, min_repeats, min_span)");
    }
    return o;
  }
  MapReader r(node, parent.file(), parent.path("repetition"));
  if (auto v = opt_at_least(r, "max_period", 1)) o.max_period = *v;
  if (auto v = opt_at_least(r, "min_repeats", 2)) o.min_repeats = *v;
  if (auto v = opt_at_least(r, "min_span", 1)) o.min_span = *v;
  r.finish();
  return o;
}

std::vector<std::string> read_markers(MapReader& r) {
  if (!r.has("markers")) {
    r.get("markers");
    return default_reflection_markers();
  }
  const YAML::Node node = r.get("markers");
  if (!node.IsSequence()) r.fail(node, r.path("markers"), "expected a list of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string where = fmt::format("{}[{}]", r.path("markers"), i);
    if (!node[i].IsScalar() || node[i].Scalar().empty()) r.fail(node[i], where, "expected a non-empty string");
    out.push_back(node[i].Scalar());
  }
  return out;
}

}  // namespace

std::shared_ptr<const TrimRPolicy> read_trimr_policy(MapReader& r) {
  auto p = std::make_shared<TrimRPolicy>();
  p->rules.thinking_tokens = r.req<int>("thinking_tokens");
  if (p->rules.thinking_tokens < 1) r.fail(r.node()["thinking_tokens"], r.path("thinking_tokens"), "must be at least 1");
  if (auto v = opt_at_least(r, "m", 1)) p->rules.m = *v;
  if (auto v = opt_at_least(r, "r_thres", 0.0)) p->rules.r_thres = *v;
  if (auto v = opt_at_least(r, "n_thres", 0)) p->rules.n_thres = *v;
  p->rules.repetition = read_repetition(r);
  p->markers = read_markers(r);
  read_verifier(r, *p);
  if (auto v = opt_at_least(r, "last_sentences", 1)) {
    if (p->verifier != TrimRVerifierKind::kModel)
      r.fail(r.node()["last_sentences"], r.path("last_sentences"), "applies to the model verifier only");
    p->model.last_sentences = *v;
  }
  if (auto s = opt_text(r, "conclude_prompt", true)) p->conclude_prompt = *s;
  if (auto s = opt_text(r, "forceful_prompt", true)) p->forceful_prompt = *s;
  if (auto s = opt_text(r, "repetition_prompt", true)) p->repetition_prompt = *s;
  if (auto s = opt_text(r, "close", false)) p->close = *s;
  if (auto s = r.opt<std::string>("cut_at")) {
    if (*s == "boundary") p->cut_at = TrimRCutAt::kBoundary;
    else if (*s == "decision") p->cut_at = TrimRCutAt::kDecision;
    else r.fail(r.node()["cut_at"], r.path("cut_at"), fmt::format("unknown cut_at '{}' (valid: boundary, decision)", *s));
  }
  if (auto v = opt_at_least(r, "answer_tokens", 1)) p->answer_tokens = *v;
  return p;
}

std::shared_ptr<const ParallelPolicy> read_parallel_policy(MapReader& r) {
  auto p = std::make_shared<ParallelPolicy>();
  if (auto v = opt_at_least(r, "n", 1)) p->n = *v;
  if (r.has("of")) {
    p->of = read_budget_block(r, "of");
    if (p->of.kind == BudgetKind::kParallel)
      r.fail(r.node()["of"], r.path("of"), "a parallel policy cannot run parallel samples of its own");
  } else {
    r.get("of");
  }
  auto method = [&](const std::string& key, SelectMethod fallback) {
    auto name = r.opt<std::string>(key);
    if (!name) return fallback;
    auto m = select_method_named(*name);
    if (!m)
      r.fail(r.node()[key], r.path(key),
             fmt::format("unknown selection '{}' (valid: verifier, self_certainty, borda, majority)", *name));
    return *m;
  };
  p->select = method("select", SelectMethod::kVerifier);
  p->fallback = method("fallback", SelectMethod::kBorda);
  if (p->fallback == SelectMethod::kVerifier) r.fail(r.node()["fallback"], r.path("fallback"), "cannot be verifier");
  if (auto v = opt_at_least(r, "borda_p", 0.0)) p->borda_p = *v;
  p->answer = read_extract(r, "answer_pattern");
  return p;
}

}  // namespace gauntlet::harness
