#pragma once
// Rollout export: one JSON object per line per self-play rollout of a finished step, streamed from
// the store, with the field names RL trainers read (verl / OpenRLHF / TRL style) plus our metadata.
#include <cstdint>
#include <ostream>

#include <nlohmann/json.hpp>

#include "harness/store/rollout_record.h"
#include "harness/store/store.h"

namespace gauntlet::harness {

// Trainer fields: prompt (the user text, or the raw completions prompt), response (the generated
// text; reasoning rejoined in its <think> block), prompt_ids, response_ids, response_logprobs
// (arrays, null when the backend returned none), reward, advantage, uid (the advantage group:
// "<run>/<step>/<task_type>/<role>").
// Metadata: run, step, task_type, role, slot, sample, task_id, model, messages (chat; else null),
// reasoning, answer_text, finish_reason, format_ok, outcome, score, details (the parsed task and
// validation, or the extracted answer and verdict), usage {prompt_tokens, completion_tokens},
// latency_s, run_id, created_at.
nlohmann::json rollout_to_json(const RolloutRecord& record);

// Rollouts of unfinished steps (no reward yet) are left out. Returns the number of lines written.
std::int64_t export_rollouts(Store& store, std::ostream& out);

}  // namespace gauntlet::harness
