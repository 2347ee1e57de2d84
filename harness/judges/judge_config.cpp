#include "harness/judges/judge_config.h"

#include <fmt/format.h>

#include "harness/clients/model_spec_reader.h"
#include "harness/input/yaml_reader.h"

namespace gauntlet::harness {

JudgeConfig read_judge_config(const YAML::Node& node, const std::string& file, const std::string& where) {
  MapReader r(node, file, where);
  JudgeConfig j;
  j.name = r.req_string("name");
  auto bot = r.opt<std::string>("bot");
  bool has_model = r.has("model");
  auto model_node = r.get("model");
  if (bot.has_value() == has_model)
    r.fail(r.node(), where, "a judge needs exactly one of `bot: heuristic` (the offline text-statistics judge) or `model:`");
  if (bot) {
    j.bot = *bot;
    if (j.bot != "heuristic")
      r.fail(r.node()["bot"], r.path("bot"), fmt::format("unknown judge bot '{}' (valid: heuristic)", j.bot));
  } else {
    j.model = read_named_model_spec(model_node, file, r.path("model"), j.name);
  }
  j.attempts = r.opt<int>("attempts").value_or(j.attempts);
  if (j.attempts < 1) r.fail(r.node()["attempts"], r.path("attempts"), "must be >= 1");
  r.finish();
  return j;
}

std::vector<JudgeConfig> read_judge_list(MapReader& root, const std::string& key, std::set<std::string>& taken) {
  std::vector<JudgeConfig> judges;
  if (!root.has(key)) {
    root.get(key);
    return judges;
  }
  auto list = root.get(key);
  if (!list.IsSequence()) root.fail(list, root.path(key), "expected a list of judges");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = fmt::format("{}[{}]", root.path(key), i);
    judges.push_back(read_judge_config(list[i], root.file(), where));
    if (!taken.insert(judges.back().name).second)
      root.fail(list[i], where + ".name",
                fmt::format("the name '{}' is already a player's, a model's or another judge's in this file",
                            judges.back().name));
  }
  return judges;
}

}  // namespace gauntlet::harness
