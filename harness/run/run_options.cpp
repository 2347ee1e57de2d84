#include "harness/run/run_options.h"

namespace gauntlet::harness {

std::unique_ptr<ModelClient> RunOptions::client_for(const ModelSpec& model) const {
  return make_client ? make_client(model) : harness::make_client(model);
}

}  // namespace gauntlet::harness
