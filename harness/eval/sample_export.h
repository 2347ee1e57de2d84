#pragma once
// Sample export: one JSON object per line per stored sample, streamed from the store.
#include <cstdint>
#include <ostream>

#include <nlohmann/json.hpp>

#include "harness/store/sample_record.h"
#include "harness/store/store.h"

namespace gauntlet::harness {

// Keys: model, task, item_id, sample_index, prompt (the user text, or the raw completions prompt),
// messages (chat only), completion, reasoning, answer (null when none was extracted), reference,
// score, correct, finish_reason, error (null on success), usage {prompt_tokens, completion_tokens,
// reasoning_tokens, cached_tokens}, latency_s, retries, cached, run_id, created_at, and logprobs /
// token_ids when stored.
nlohmann::json sample_to_json(const SampleRecord& record);

// Returns the number of lines written.
std::int64_t export_samples(Store& store, std::ostream& out);

}  // namespace gauntlet::harness
