#include "harness/judges/judge_set.h"

#include <stdexcept>

#include "harness/clients/cached_client.h"
#include "harness/judges/model_judge.h"
#include "harness/judges/text_stats_judge.h"

namespace gauntlet::harness {

JudgeSet::JudgeSet(const std::vector<JudgeConfig>& configs, const ClientFactory& make_client, ResponseCache* cache) {
  for (const auto& c : configs) {
    Entry e;
    if (!c.model) {
      e.judge = std::make_unique<TextStatsJudge>(c.name);
    } else {
      e.client = make_client(*c.model);
      if (cache) e.client = std::make_unique<CachedClient>(std::move(e.client), *cache, c.name, c.model->fingerprint_json());
      e.judge = std::make_unique<ModelJudge>(
          c.name, *e.client,
          ModelJudgeOptions{c.model->params, c.model->sends_messages() ? Endpoint::kChat : Endpoint::kCompletions,
                            c.attempts});
      e.concurrency = std::max(1, c.model->concurrency);
    }
    entries_[c.name] = std::move(e);
  }
}

JudgeSet::~JudgeSet() { drain(); }

Judge& JudgeSet::judge(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) throw std::out_of_range("no judge named '" + name + "'");
  return *it->second.judge;
}

int JudgeSet::concurrency(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? 1 : it->second.concurrency;
}

void JudgeSet::drain() {
  for (auto& [name, e] : entries_)
    if (e.client) e.client->drain();
}

void JudgeSet::cancel_pending() {
  for (auto& [name, e] : entries_)
    if (e.client) e.client->cancel_pending();
}

std::vector<const ModelClient*> JudgeSet::clients() const {
  std::vector<const ModelClient*> out;
  for (const auto& [name, e] : entries_)
    if (e.client) out.push_back(e.client.get());
  return out;
}

}  // namespace gauntlet::harness
