#include "harness/input/yaml_reader.h"

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text/unicode.h"

namespace gauntlet::harness {
namespace {

int line_of(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

// Where a value is, as a chain of parents kept on the stack: the text ("models[0].params") is only
// built for an error, so a long key reached many times through aliases costs nothing per visit.
struct PathStep {
  const PathStep* parent = nullptr;
  const std::string* key = nullptr;  // a mapping key, or
  std::size_t index = 0;             // a sequence index when key is null
};

std::string path_text(const PathStep* step) {
  if (step == nullptr) return "(top level)";
  std::vector<const PathStep*> steps;
  for (; step != nullptr; step = step->parent) steps.push_back(step);
  std::string out;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if ((*it)->key == nullptr) {
      out += "[" + std::to_string((*it)->index) + "]";
      continue;
    }
    if (!out.empty()) out += ".";
    const std::string& key = *(*it)->key;
    out += key.size() <= 80 ? key : key.substr(0, 77) + "...";  // an error names a key, not a megabyte
  }
  return out;
}

// Walks the loaded document once, as it will be read (an alias counts each time it is used), and
// enforces the limits and rules of load_yaml_file.
class DocumentCheck {
 public:
  explicit DocumentCheck(std::string file) : file_(std::move(file)) {}

  void visit(const YAML::Node& node, const PathStep* path, int depth) {
    if (depth > kMaxYamlDepth)
      throw ConfigError(file_, line_of(node), path_text(path),
                        fmt::format("nested deeper than {} levels (the limit)", kMaxYamlDepth));
    if (++nodes_ > kMaxYamlNodes)
      throw ConfigError(file_, line_of(node), path_text(path),
                        fmt::format("the file expands to more than {} values (the limit; aliases count each time they "
                                    "are used)",
                                    kMaxYamlNodes));
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        check_text(node, path, node.Scalar());
        break;
      case YAML::NodeType::Sequence:
        for (std::size_t i = 0; i < node.size(); ++i) {
          const PathStep step{path, nullptr, i};
          visit(node[i], &step, depth + 1);
        }
        break;
      case YAML::NodeType::Map: {
        std::map<std::string_view, int> first_line;  // views of the keys the document holds
        for (const auto& kv : node) {
          if (!kv.first.IsScalar())
            throw ConfigError(file_, line_of(kv.first), path_text(path),
                              "a key must be a plain value, not a list or a mapping");
          const std::string& key = kv.first.Scalar();
          const PathStep step{path, &key, 0};
          check_text(kv.first, &step, key);
          auto [it, fresh] = first_line.emplace(key, line_of(kv.first));
          if (!fresh)
            throw ConfigError(file_, line_of(kv.first), path_text(&step),
                              fmt::format("duplicate key (first at line {})", it->second));
          visit(kv.second, &step, depth + 1);
        }
        break;
      }
      default:
        break;
    }
  }

 private:
  void check_text(const YAML::Node& node, const PathStep* path, const std::string& text) {
    expanded_bytes_ += text.size();
    if (expanded_bytes_ > kMaxYamlExpandedBytes)
      throw ConfigError(file_, line_of(node), path_text(path),
                        fmt::format("the file expands to more than {} MiB of text (the limit; aliases count each time "
                                    "they are used)",
                                    kMaxYamlExpandedBytes >> 20));
    if (auto at = engine::unicode::invalid_utf8_at(text); at != std::string_view::npos)
      throw ConfigError(file_, line_of(node), path_text(path),
                        fmt::format("not valid UTF-8 (byte 0x{:02X} at offset {} of the value)",
                                    static_cast<unsigned char>(text[at]), at));
  }

  std::string file_;
  std::size_t nodes_ = 0;
  std::size_t expanded_bytes_ = 0;
};

}  // namespace

YAML::Node load_yaml_file(const std::filesystem::path& path, const std::string& what) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw ConfigError(file, 0, "file",
                      std::filesystem::exists(path, ec) ? "the " + what + " file is not a regular file"
                                                        : "cannot read the " + what + " file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxYamlFileBytes)
    throw ConfigError(file, 0, "file",
                      fmt::format("the {} file has {} bytes, more than {} (the limit)", what, size, kMaxYamlFileBytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(file, 0, "file", "cannot read the " + what + " file");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw ConfigError(file, 0, "file", "cannot read the " + what + " file");
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(file, e.mark.line + 1, "yaml", e.msg);
  } catch (const YAML::Exception& e) {
    throw ConfigError(file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "yaml", e.msg);
  }
  if (!root || root.IsNull()) throw ConfigError(file, 0, "file", "the " + what + " file is empty");
  DocumentCheck(file).visit(root, nullptr, 0);
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
