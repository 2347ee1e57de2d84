#include "harness/budgets/parallel_policy.h"

namespace gauntlet::harness {

nlohmann::json ParallelPolicy::fingerprint_json() const {
  nlohmann::json inner = of.fingerprint_json();
  return {{"n", n},
          {"of", inner.is_null() ? nlohmann::json{{"policy", "none"}} : inner},
          {"select", to_string(select)},
          {"fallback", to_string(fallback)},
          {"borda_p", borda_p},
          {"answer", {{"pattern", answer.pattern}, {"last_number", answer.last_number}}}};
}

}  // namespace gauntlet::harness
