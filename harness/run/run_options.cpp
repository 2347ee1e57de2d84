#include "harness/run/run_options.h"

namespace gauntlet::harness {

std::unique_ptr<ModelClient> RunOptions::client_for(const ModelSpec& model) const {
  return make_client ? make_client(model) : harness::make_client(model);
}

RunInfo RunOptions::run_info(const std::string& name, const std::filesystem::path& config_path) const {
  RunInfo info;
  info.suite = name;
  info.config_path = config_path.string();
  info.command = command_line;
  info.shard = shard ? shard->to_string() : "";
  return info;
}

}  // namespace gauntlet::harness
