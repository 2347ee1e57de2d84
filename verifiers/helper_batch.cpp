#include "verifiers/helper_batch.h"

namespace gauntlet::verifiers {

std::vector<std::optional<nlohmann::json>> run_helper_batch(sandbox::Sandbox& sandbox, const HelperProgram& helper,
                                                            const std::vector<nlohmann::json>& items,
                                                            std::atomic<long>& executions) {
  std::vector<std::optional<nlohmann::json>> out(items.size());
  if (items.empty()) return out;
  auto make_job = [&](nlohmann::json batch) {
    nlohmann::json request = helper.request;
    request["items"] = std::move(batch);
    sandbox::Job job;
    job.id = helper.name;
    job.code = helper.code;
    // Items may hold model text with invalid UTF-8: replace it rather than throw.
    job.input = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    job.timeout_ms = helper.timeout_ms;
    return job;
  };
  auto parse = [](const sandbox::ExecResult& r, std::size_t n) -> std::optional<nlohmann::json> {
    if (r.status != sandbox::Status::ok) return std::nullopt;
    auto j = nlohmann::json::parse(r.stdout_text, nullptr, false);
    if (!j.is_array() || j.size() != n) return std::nullopt;
    return j;
  };
  ++executions;
  if (auto all = parse(sandbox.run(make_job(items)), items.size())) {
    for (std::size_t i = 0; i < items.size(); ++i) out[i] = (*all)[i];
    return out;
  }
  if (items.size() == 1) return out;
  std::vector<sandbox::Job> singles;
  for (const auto& item : items) singles.push_back(make_job(nlohmann::json::array({item})));
  executions += static_cast<long>(singles.size());
  auto results = sandbox.run_batch(singles);
  for (std::size_t i = 0; i < items.size(); ++i)
    if (auto one = parse(results[i], 1)) out[i] = (*one)[0];
  return out;
}

}  // namespace gauntlet::verifiers
