// Batched serving throughput (`make bench-serve`): output tokens/s of the engine's Scheduler with
// C requests in flight (C = 1, 8, 32 by default) against the one-at-a-time baseline
// (Engine::generate, request after request) in the same run, on the same model and threads, plus
// p50/p99 time to first token and inter-token latency per concurrency. Each request has its own
// prompt (PROMPT pseudo-random token ids) and decodes DECODE tokens (ignore_eos, temperature 0.8,
// its own seed). Prefill is counted in the wall time, as a client sees it. --write-prompts FILE also
// writes the prompt ids of the concurrent requests, one line of comma-separated ids per request (line i
// is request i at every concurrency), so that a peer can be measured on the same prompts.
//
//   serve_bench --model DIR [--threads N] [--prompt-tokens 32] [--decode-tokens 64]
//               [--concurrency 1,8,32] [--baseline-requests 4] [--write-prompts FILE]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <future>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/serve/scheduler.h"

namespace {

using namespace gauntlet::engine;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
double cpu_now() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

GenerationRequest make_request(int index, int prompt_tokens, int decode_tokens, int vocab) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(1000 + index));
  GenerationRequest r;
  for (int i = 0; i < prompt_tokens; ++i) r.prompt_ids.push_back(static_cast<int>(rng() % static_cast<std::uint64_t>(vocab)));
  r.max_tokens = decode_tokens;
  r.ignore_eos = true;
  r.sampling.temperature = 0.8;
  r.sampling.seed = static_cast<std::uint64_t>(index);
  return r;
}

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(std::stoi(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string model, prompts_file;
  int threads = 2, prompt_tokens = 32, decode_tokens = 64, baseline_requests = 4;
  std::vector<int> concurrency = {1, 8, 32};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--model") model = value;
    else if (flag == "--threads") threads = std::stoi(value);
    else if (flag == "--prompt-tokens") prompt_tokens = std::stoi(value);
    else if (flag == "--decode-tokens") decode_tokens = std::stoi(value);
    else if (flag == "--concurrency") concurrency = parse_list(value);
    else if (flag == "--baseline-requests") baseline_requests = std::stoi(value);
    else if (flag == "--write-prompts") prompts_file = value;
    else {
      std::fprintf(stderr, "serve_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (model.empty()) {
    std::fprintf(stderr, "usage: serve_bench --model DIR [--threads N] [--prompt-tokens N] [--decode-tokens N] "
                         "[--concurrency 1,8,32] [--baseline-requests N] [--write-prompts FILE]\n");
    return 2;
  }
  EngineOptions options;
  options.threads = threads;
  Engine engine(model, options);
  const int vocab = engine.tokenizer().vocab_size();
  if (!prompts_file.empty()) {
    std::ofstream out(prompts_file);
    const int most = concurrency.empty() ? 0 : *std::max_element(concurrency.begin(), concurrency.end());
    for (int i = 0; i < most; ++i) {
      const auto ids = make_request(100 + i, prompt_tokens, decode_tokens, vocab).prompt_ids;
      for (std::size_t k = 0; k < ids.size(); ++k) out << (k ? "," : "") << ids[k];
      out << '\n';
    }
    if (!out.flush()) {
      std::fprintf(stderr, "serve_bench: cannot write %s\n", prompts_file.c_str());
      return 1;
    }
  }
  std::printf("model %s, %d threads, prompt %d tokens, %d output tokens per request\n", model.c_str(), threads,
              prompt_tokens, decode_tokens);

  // One at a time.
  auto t0 = Clock::now();
  double c0 = cpu_now();
  long tokens = 0;
  for (int i = 0; i < baseline_requests; ++i)
    tokens += static_cast<long>(engine.generate(make_request(i, prompt_tokens, decode_tokens, vocab)).tokens.size());
  const double base_wall = since(t0), base_cpu = cpu_now() - c0;
  const double base = static_cast<double>(tokens) / base_wall;
  std::printf("\n%-12s %9s %12s %8s %14s %10s %10s %10s %10s\n", "concurrency", "requests", "out tok/s", "ratio",
              "out tok/cpu-s", "ttft p50", "ttft p99", "itl p50", "itl p99");
  std::printf("%-12s %9d %12.2f %8s %14.2f %10s %10s %10s %10s\n", "serial", baseline_requests, base, "1.00",
              static_cast<double>(tokens) / base_cpu, "-", "-", "-", "-");

  for (int c : concurrency) {
    SchedulerOptions so;
    so.max_batch = c;
    so.kv_memory_mb = 2048;
    Scheduler scheduler(engine, so);
    std::mutex mutex;
    std::vector<double> ttft, itl;
    std::vector<std::promise<void>> done(static_cast<std::size_t>(c));
    long generated = 0;
    t0 = Clock::now();
    c0 = cpu_now();
    for (int i = 0; i < c; ++i) {
      auto last = std::make_shared<Clock::time_point>(t0);
      auto first = std::make_shared<bool>(true);
      ServeCallbacks cb;
      cb.on_token = [&, last, first](int, const SampledToken&, std::string_view) {
        const auto now = Clock::now();
        std::lock_guard lock(mutex);
        (*first ? ttft : itl).push_back(std::chrono::duration<double>(now - *last).count());
        *first = false;
        *last = now;
        ++generated;
      };
      cb.on_done = [&, i](ServeOutcome) { done[static_cast<std::size_t>(i)].set_value(); };
      scheduler.submit({make_request(100 + i, prompt_tokens, decode_tokens, vocab), 1}, cb);
    }
    for (auto& d : done) d.get_future().wait();
    const double wall = since(t0), cpu = cpu_now() - c0;
    const double rate = static_cast<double>(generated) / wall;
    std::printf("%-12d %9d %12.2f %8.2f %14.2f %9.3fs %9.3fs %9.3fs %9.3fs\n", c, c, rate, rate / base,
                static_cast<double>(generated) / cpu, percentile(ttft, 0.5), percentile(ttft, 0.99),
                percentile(itl, 0.5), percentile(itl, 0.99));
    std::fflush(stdout);
  }
  return 0;
}
