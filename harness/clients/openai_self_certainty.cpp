#include "harness/clients/openai_self_certainty.h"

#include <cmath>
#include <limits>
#include <set>
#include <string>

namespace gauntlet::harness {

double approximate_self_certainty(const TokenLogprob& token, std::int64_t vocab_size) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (vocab_size <= 0) return kNaN;
  std::set<std::string> seen;
  double sum_logprob = 0.0;
  double shown_mass = 0.0;
  auto add = [&](const std::string& text, double logprob) {
    if (!seen.insert(text).second) return;
    sum_logprob += logprob;
    shown_mass += std::exp(logprob);
  };
  for (const auto& alt : token.top) add(alt.token, alt.logprob);
  if (seen.empty()) return kNaN;  // no alternatives: the sampled token alone says nothing of the spread
  add(token.token, token.logprob);
  const auto k = static_cast<std::int64_t>(seen.size());
  if (k > vocab_size) return kNaN;
  const double v = static_cast<double>(vocab_size);
  double sum_all = sum_logprob;
  if (k < vocab_size) {
    const double unseen = v - static_cast<double>(k);
    const double rest = std::max(1.0 - shown_mass, std::ldexp(1.0, -52));
    sum_all += unseen * std::log(rest / unseen);
  }
  return -std::log(v) - sum_all / v;
}

}  // namespace gauntlet::harness
