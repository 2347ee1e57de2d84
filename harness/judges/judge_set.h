#pragma once
// JudgeSet: the judges a run's config lists, built once for the run: each model judge asks through
// its own client (made by the run's client factory, behind the response cache when one is given, so
// judge calls are cached like any request); `bot: heuristic` is the text-statistics judge. Judges
// are thread-safe; the set owns them and their clients.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/clients/client_factory.h"
#include "harness/clients/response_cache.h"
#include "harness/judges/judge.h"
#include "harness/judges/judge_config.h"

namespace gauntlet::harness {

class JudgeSet {
 public:
  // `cache` (may be null) must outlive the set.
  JudgeSet(const std::vector<JudgeConfig>& configs, const ClientFactory& make_client, ResponseCache* cache);
  ~JudgeSet();
  JudgeSet(const JudgeSet&) = delete;
  JudgeSet& operator=(const JudgeSet&) = delete;

  // Throws std::out_of_range for a name the config did not list.
  Judge& judge(const std::string& name) const;
  // Requests the judge may have in flight at once (its model's concurrency; 1 for the bot).
  int concurrency(const std::string& name) const;
  // Waits for every request sent so far.
  void drain();
  // Ends requests waiting in a queue or a backoff (on Ctrl-C), as ModelClient::cancel_pending.
  void cancel_pending();
  // The model judges' clients, for the run's progress (retries, errors, the last error).
  std::vector<const ModelClient*> clients() const;

 private:
  struct Entry {
    std::unique_ptr<ModelClient> client;
    std::unique_ptr<Judge> judge;
    int concurrency = 1;
  };
  std::map<std::string, Entry> entries_;
};

}  // namespace gauntlet::harness
