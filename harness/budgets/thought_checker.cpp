#include "harness/budgets/thought_checker.h"

#include <chrono>
#include <exception>

namespace gauntlet::harness {

nlohmann::json VerifierCall::to_json() const {
  nlohmann::json j = {{"thought", thought}, {"question", question}};
  if (against >= 0) j["against"] = against;
  j["verdict"] = verdict ? nlohmann::json(*verdict) : nlohmann::json(nullptr);
  if (!answer.empty()) j["answer"] = answer;
  j["latency_s"] = latency_s;
  if (!error.empty()) j["error"] = error;
  return j;
}

ThoughtChecker::ThoughtChecker(ThoughtVerifier& verifier, std::string problem)
    : verifier_(verifier), problem_(std::move(problem)) {}

namespace {

template <class F>
void timed(VerifierCall& call, F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    f();
  } catch (const std::exception& e) {
    call.error = e.what();
    if (call.error.empty()) call.error = "verifier failed";
  } catch (...) {
    call.error = "verifier failed";
  }
  call.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

ThoughtVerdict ThoughtChecker::check(const Thought& thought, std::vector<VerifierCall>& calls) {
  ThoughtVerdict v;
  v.thought = thought.index;
  VerifierCall p1;
  p1.thought = thought.index;
  p1.question = "p1";
  AnswerCheck check;
  timed(p1, [&] {
    check = verifier_.p1(problem_, thought);
    p1.verdict = check.has_answer;
    p1.answer = check.answer;
  });
  calls.push_back(p1);
  if (!p1.error.empty()) {
    v.error = p1.error;
    previous_.reset();
    return v;
  }
  v.has_answer = check.has_answer;
  if (!check.has_answer) return v;
  if (previous_) {
    VerifierCall p2;
    p2.thought = thought.index;
    p2.question = "p2";
    p2.against = previous_->index;
    timed(p2, [&] { p2.verdict = verifier_.p2(problem_, *previous_, previous_check_, thought, check); });
    calls.push_back(p2);
    if (!p2.error.empty()) {
      v.error = p2.error;
      previous_.reset();
      return v;
    }
    v.equivalent = p2.verdict;
  }
  previous_ = thought;
  previous_check_ = check;
  return v;
}

CheckQueue::CheckQueue(ThoughtVerifier& verifier, std::string problem, bool async)
    : checker_(verifier, std::move(problem)), async_(async) {
  if (async_) thread_ = std::thread([this] { run(); });
}

CheckQueue::~CheckQueue() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void CheckQueue::submit(Thought thought, int at_token) {
  if (!async_) {
    CheckOutcome out;
    out.dispatched_at = at_token;
    out.verdict = checker_.check(thought, out.calls);
    std::lock_guard lock(mu_);
    done_.push_back(std::move(out));
    return;
  }
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    queue_.emplace_back(std::move(thought), at_token);
  }
  cv_.notify_all();
}

void CheckQueue::run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping
    auto [thought, at] = std::move(queue_.front());
    queue_.pop_front();
    running_ = true;
    lock.unlock();
    CheckOutcome out;
    out.dispatched_at = at;
    out.verdict = checker_.check(thought, out.calls);
    lock.lock();
    running_ = false;
    done_.push_back(std::move(out));
    cv_.notify_all();
  }
}

std::vector<CheckOutcome> CheckQueue::ready() {
  std::lock_guard lock(mu_);
  std::vector<CheckOutcome> out = std::move(done_);
  done_.clear();
  return out;
}

void CheckQueue::wait_all() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return queue_.empty() && !running_; });
}

std::vector<std::pair<Thought, int>> CheckQueue::stop() {
  std::vector<std::pair<Thought, int>> dropped;
  {
    std::unique_lock lock(mu_);
    stopping_ = true;
    dropped.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.clear();
    cv_.notify_all();
    cv_.wait(lock, [&] { return !running_; });
  }
  return dropped;
}

}  // namespace gauntlet::harness
