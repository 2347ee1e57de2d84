#include "harness/selfplay/stats.h"

#include <fmt/format.h>

#include "harness/selfplay/rewards.h"

namespace gauntlet::harness {

using nlohmann::json;

void StepTally::add_proposal(TaskType type, const RolloutRecord& r, std::optional<double> acc) {
  auto& p = proposals_[to_string(type)];
  ++p.total;
  if (r.outcome == "valid") {
    ++p.valid;
    if (acc) p.learnability_sum += learnability(*acc);
  } else {
    ++p.rejected[r.outcome];
  }
}

void StepTally::add_solution(TaskType type, const RolloutRecord& r) {
  auto& s = solutions_[to_string(type)];
  ++s.total;
  if (r.outcome == "correct") ++s.correct;
  if (!r.format_ok) ++s.format_errors;
}

void StepTally::add_tokens(const RolloutRecord& r) {
  prompt_tokens_ += r.prompt_tokens;
  completion_tokens_ += r.completion_tokens;
  ++requests_;
}

json StepTally::to_json(int step, const std::map<std::string, std::size_t>& buffer_sizes, long sandbox_execs,
                        double wall_s) const {
  json j;
  j["step"] = step;
  json proposals = json::object(), valid_rate = json::object(), reasons = json::object(), learn = json::object();
  int all_total = 0, all_valid = 0;
  for (const auto& [type, p] : proposals_) {
    proposals[type] = {{"total", p.total}, {"valid", p.valid}, {"rejected", p.rejected}};
    valid_rate[type] = p.total ? static_cast<double>(p.valid) / p.total : 0.0;
    learn[type] = p.valid ? json(p.learnability_sum / p.valid) : json(nullptr);
    all_total += p.total;
    all_valid += p.valid;
    for (const auto& [reason, n] : p.rejected) reasons[reason] = reasons.value(reason, 0) + n;
  }
  valid_rate["all"] = all_total ? static_cast<double>(all_valid) / all_total : 0.0;
  json solutions = json::object(), solve_rate = json::object();
  for (const auto& [type, s] : solutions_) {
    solutions[type] = {{"total", s.total}, {"correct", s.correct}, {"format_errors", s.format_errors}};
    solve_rate[type] = s.total ? json(static_cast<double>(s.correct) / s.total) : json(nullptr);
  }
  j["proposals"] = proposals;
  j["valid_rate"] = valid_rate;
  j["reject_reasons"] = reasons;
  j["solutions"] = solutions;
  j["solve_rate"] = solve_rate;
  j["learnability"] = learn;
  j["buffer_sizes"] = buffer_sizes;
  j["tokens"] = {{"prompt", prompt_tokens_}, {"completion", completion_tokens_}};
  j["requests"] = requests_;
  j["sandbox_execs"] = sandbox_execs;
  j["wall_s"] = wall_s;
  return j;
}

namespace {

std::string compact(double n) {
  if (n >= 1e6) return fmt::format("{:.1f}M", n / 1e6);
  if (n >= 1e4) return fmt::format("{:.1f}k", n / 1e3);
  return fmt::format("{:.0f}", n);
}

}  // namespace

std::string format_step_line(const json& s, int steps_total) {
  int total = 0, valid = 0;
  for (const auto& [type, p] : s.at("proposals").items()) {
    total += p.at("total").get<int>();
    valid += p.at("valid").get<int>();
  }
  std::string reasons;
  for (const auto& [reason, n] : s.at("reject_reasons").items())
    reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", reason, n.get<int>());
  std::string solved;
  for (const auto& [type, rate] : s.at("solve_rate").items())
    solved += fmt::format(" {} {}", type, rate.is_null() ? "-" : fmt::format("{:.2f}", rate.get<double>()));
  std::string buffers;
  for (const auto& [type, n] : s.at("buffer_sizes").items()) buffers += fmt::format(" {} {}", type, n.get<long>());
  return fmt::format("step {}/{}: valid {}/{}{} | solved{} | buffers{} | tokens {}+{} | {} execs | {:.1f} s",
                     s.at("step").get<int>() + 1, steps_total, valid, total,
                     reasons.empty() ? "" : " (" + reasons + ")", solved, buffers,
                     compact(s.at("tokens").at("prompt").get<double>()),
                     compact(s.at("tokens").at("completion").get<double>()), s.at("sandbox_execs").get<long>(),
                     s.at("wall_s").get<double>());
}

}  // namespace gauntlet::harness
