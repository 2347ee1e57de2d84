#pragma once
// One scored sample as committed to the store and read back by reports and exports.
#include <cstdint>
#include <optional>
#include <string>

#include "harness/clients/chat.h"

namespace gauntlet::harness {

struct SampleKey {
  std::string model;
  std::string task;
  std::string item_id;
  int sample_index = 0;
  auto operator<=>(const SampleKey&) const = default;
};

struct SampleRecord {
  SampleKey key;
  std::int64_t run_id = 0;        // the invocation that produced it
  std::string prompt;             // rendered prompt (messages as JSON for chat, raw text for completions)
  std::string completion;         // final text, thinking removed
  std::string reasoning;
  std::string reference;          // the dataset's answer
  std::optional<std::string> answer;  // extracted answer; nullopt when none was found
  double score = 0.0;
  bool correct = false;
  std::string finish_reason;
  Usage usage;
  double latency_s = 0.0;
  int retries = 0;
  bool cached = false;            // served from the response cache
  std::string error;              // non-empty: the request failed; score is 0
  std::string logprobs_json;      // per-token logprobs as JSON array, "" when not requested
  std::string token_ids_json;     // JSON array, "" when not returned
  std::string routing_json;       // engine routing summary (routing.trace on), "" otherwise
  std::string budget_json;        // the budget policy's record (Choice::budget), "" without a policy
  std::string details_json;       // the scorer's details (code tests, judge grades) as JSON, "" when none
  std::string created_at;         // ISO-8601 UTC, set by the store
};

}  // namespace gauntlet::harness
