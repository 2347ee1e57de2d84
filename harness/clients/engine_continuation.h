#pragma once
// EngineContinuation: one assistant turn on the engine's scheduler in segments (EngineClient::open,
// clients/continuation.h). The first segment submits the rendered prompt plus the appended ids with
// hold; later ones resume the held sequence with only the appended ids. Each segment waits for its
// outcome; the observer sees each token's final text on the scheduler's thread, and a false from it
// cancels the segment (finish "aborted"; the turn stays held); rewind() drops the end of the last
// segment from the held sequence (Scheduler::rewind). The destructor releases the sequence.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "harness/clients/continuation.h"

namespace gauntlet::harness {

class EngineClient;

class EngineContinuation : public Continuation {
 public:
  EngineContinuation(EngineClient& client, engine::GenerationRequest base, std::vector<int> prompt_ids);
  ~EngineContinuation() override;

  SegmentResult segment(const std::string& append, const SegmentLimits& limits,
                        const SegmentObserver& observer = {}) override;
  Rewound rewind(std::size_t keep_bytes) override;
  const std::string& turn_text() const override { return turn_text_; }
  std::string method() const override { return "kv"; }

 private:
  EngineClient& client_;
  engine::GenerationRequest base_;  // sampling, routing; prompt ids for the first segment
  std::vector<int> prompt_ids_;
  std::uint64_t handle_ = 0;        // the held sequence, once the first segment held it
  bool broken_ = false;             // a segment failed: the turn is unusable
  std::string turn_text_;
  std::vector<int> last_ids_;       // the last segment's generated ids, while it can be rewound
  std::size_t last_bytes_ = 0;      // and its text's size
  bool rewindable_ = false;
};

}  // namespace gauntlet::harness
