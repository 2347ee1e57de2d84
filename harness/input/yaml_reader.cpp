#include "harness/input/yaml_reader.h"

namespace gauntlet::harness {

YAML::Node load_yaml_file(const std::filesystem::path& path, const std::string& what) {
  const std::string file = path.string();
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw ConfigError(file, 0, "file", "cannot read the " + what + " file");
  } catch (const YAML::ParserException& e) {
    throw ConfigError(file, e.mark.line + 1, "yaml", e.msg);
  }
  if (!root || root.IsNull()) throw ConfigError(file, 0, "file", "the " + what + " file is empty");
  return root;
}

nlohmann::json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar: {
      if (n.Tag() == "!") return n.Scalar();  // quoted: keep as string
      const std::string& s = n.Scalar();
      if (s == "true" || s == "True") return true;
      if (s == "false" || s == "False") return false;
      try {
        std::size_t pos = 0;
        long long i = std::stoll(s, &pos);
        if (pos == s.size()) return i;
        double d = std::stod(s, &pos);
        if (pos == s.size()) return d;
      } catch (const std::exception&) {
      }
      return s;
    }
    case YAML::NodeType::Sequence: {
      auto a = nlohmann::json::array();
      for (const auto& e : n) a.push_back(yaml_to_json(e));
      return a;
    }
    case YAML::NodeType::Map: {
      auto o = nlohmann::json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return o;
    }
  }
  return nullptr;
}

SamplingParams read_params(MapReader& parent, const std::string& key) {
  SamplingParams p;
  if (!parent.has(key)) {
    parent.get(key);
    return p;
  }
  MapReader r(parent.get(key), parent.file(), parent.path(key));
  p.temperature = r.opt<double>("temperature");
  p.top_p = r.opt<double>("top_p");
  p.top_k = r.opt<int>("top_k");
  p.min_p = r.opt<double>("min_p");
  p.presence_penalty = r.opt<double>("presence_penalty");
  p.frequency_penalty = r.opt<double>("frequency_penalty");
  p.seed = r.opt<std::int64_t>("seed");
  p.max_tokens = r.opt<int>("max_tokens");
  if (r.has("stop")) {
    auto n = r.get("stop");
    if (n.IsScalar()) {
      p.stop.push_back(n.as<std::string>());
    } else if (n.IsSequence()) {
      for (const auto& e : n) {
        if (!e.IsScalar()) r.fail(e, r.path("stop"), "expected a string or a list of strings");
        p.stop.push_back(e.as<std::string>());
      }
    } else {
      r.fail(n, r.path("stop"), "expected a string or a list of strings");
    }
  } else {
    r.get("stop");
  }
  p.logprobs = r.opt<bool>("logprobs").value_or(false);
  p.top_logprobs = r.opt<int>("top_logprobs");
  auto check = [&](bool ok, const std::string& k, const std::string& what) {
    if (!ok) r.fail(r.node()[k], r.path(k), what);
  };
  if (p.temperature) check(*p.temperature >= 0, "temperature", "must be >= 0");
  if (p.top_p) check(*p.top_p > 0 && *p.top_p <= 1, "top_p", "must be in (0, 1]");
  if (p.max_tokens) check(*p.max_tokens > 0, "max_tokens", "must be > 0");
  if (p.top_logprobs) check(*p.top_logprobs >= 0 && *p.top_logprobs <= 20, "top_logprobs", "must be in 0..20");
  r.finish();
  return p;
}

nlohmann::json read_json_block(MapReader& r, const std::string& key, nlohmann::json fallback) {
  if (!r.has(key)) {
    r.get(key);
    return fallback;
  }
  auto n = r.get(key);
  if (!n.IsMap()) r.fail(n, r.path(key), "expected a mapping");
  return yaml_to_json(n);
}

}  // namespace gauntlet::harness
