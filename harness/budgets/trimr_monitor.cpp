#include "harness/budgets/trimr_monitor.h"

#include <cctype>
#include <functional>

namespace gauntlet::harness {

TrimRMonitor::TrimRMonitor(TrimROptions options, std::vector<std::string> markers, ThoughtVerifier& verifier,
                           std::string problem, bool async)
    : rules_(options), splitter_(std::move(markers)),
      queue_(std::make_unique<CheckQueue>(verifier, std::move(problem), async)) {}

TrimRMonitor::~TrimRMonitor() = default;

void TrimRMonitor::apply_ready(int tokens) {
  for (auto& outcome : queue_->ready()) {
    const bool applied = rules_.decision() == CutReason::kNone;
    const CutReason r = rules_.on_verdict(outcome.verdict);
    for (const auto& call : outcome.calls) {
      nlohmann::json j = call.to_json();
      j["dispatched_at"] = outcome.dispatched_at;
      j["applied_at"] = applied ? nlohmann::json(tokens) : nlohmann::json(nullptr);
      calls_.push_back(std::move(j));
    }
    if (r != CutReason::kNone && cut_position_ < 0) cut_position_ = tokens;
  }
}

CutReason TrimRMonitor::on_token(std::string_view text, int tokens) {
  if (finished_) return rules_.decision();
  tokens_ = tokens;
  for (auto& t : splitter_.feed(text)) {
    ++thoughts_;
    thought_ends_.push_back(tokens);
    std::size_t end = t.end;
    while (end > t.begin && std::isspace(static_cast<unsigned char>(t.text[end - t.begin - 1])) != 0) --end;
    thought_end_bytes_.push_back(end);
    rules_.on_thought(splitter_.closed());
    queue_->submit(std::move(t), tokens);
  }
  apply_ready(tokens);
  if (rules_.decision() == CutReason::kNone)
    rules_.on_token(std::hash<std::string_view>{}(text), tokens);
  if (rules_.decision() != CutReason::kNone && cut_position_ < 0) cut_position_ = tokens;
  return rules_.decision();
}

std::optional<std::size_t> TrimRMonitor::converged_end() const {
  if (rules_.decision() != CutReason::kConverged) return std::nullopt;
  const int t = rules_.decided_thought();
  if (t < 0 || t >= static_cast<int>(thought_end_bytes_.size())) return std::nullopt;
  return thought_end_bytes_[static_cast<std::size_t>(t)];
}

void TrimRMonitor::finish() {
  if (finished_) return;
  finished_ = true;
  const auto dropped = queue_->stop();
  // Checks that ran but came back too late are recorded unapplied; so are those never run.
  for (auto& outcome : queue_->ready()) {
    for (const auto& call : outcome.calls) {
      nlohmann::json j = call.to_json();
      j["dispatched_at"] = outcome.dispatched_at;
      j["applied_at"] = nullptr;
      calls_.push_back(std::move(j));
    }
  }
  for (const auto& [thought, at] : dropped)
    calls_.push_back({{"thought", thought.index}, {"question", "p1"}, {"verdict", nullptr}, {"latency_s", 0.0},
                      {"error", "not run: thinking ended first"}, {"dispatched_at", at}, {"applied_at", nullptr}});
  thoughts_ += static_cast<int>(splitter_.finish().size());
}

nlohmann::json TrimRMonitor::record() const {
  nlohmann::json j = {{"thoughts", thoughts_}, {"thought_ends", thought_ends_}, {"verifier_calls", calls_},
                      {"run", rules_.run()}};
  if (rules_.repetition_period() > 0) j["repetition_period"] = rules_.repetition_period();
  return j;
}

}  // namespace gauntlet::harness
