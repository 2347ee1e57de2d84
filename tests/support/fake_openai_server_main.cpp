// fake_openai_server: runs FakeOpenAIServer as a process. Prints "PORT <n>" on stdout once it
// listens, then serves until SIGTERM or SIGINT, and exits 0.
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <pthread.h>

#include <CLI/CLI.hpp>

#include "tests/support/fake_openai_server.h"

namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto first = item.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    out.push_back(item.substr(first, item.find_last_not_of(" \t") - first + 1));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using gauntlet::testing::FakeOpenAIServer;
  using gauntlet::testing::FakeServerOptions;

  FakeServerOptions options;
  int port = 0;
  std::string faults;
  CLI::App app{"OpenAI-compatible fake server with deterministic fault injection (for tests)"};
  app.add_option("--port", port, "Port on 127.0.0.1 (0: ephemeral)")->check(CLI::Range(0, 65535));
  app.add_option("--threads", options.threads, "I/O threads")->check(CLI::Range(1, 256));
  app.add_option("--fault-rate", options.fault_rate, "Fraction of prompt keys that are faulted")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-attempts", options.fault_attempts, "Failing attempts per faulted prompt key")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--faults", faults, "Comma-separated kinds: 429,500,stall,malformed,reset,stream_cut,context");
  app.add_option("--stall-ms", options.stall_ms, "How long a stall lasts")->check(CLI::NonNegativeNumber);
  app.add_option("--retry-after", options.retry_after_s, "Retry-After seconds on 429s")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--latency-ms", options.latency_ms, "Delay before each successful response")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--wrong-rate", options.wrong_rate, "Fraction of prompt keys answered wrongly")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--reasoning-style", options.reasoning_style, "tags | reasoning_content | reasoning | none")
      ->check(CLI::IsMember({"tags", "reasoning_content", "reasoning", "none"}));
  app.add_option("--script", options.script, "arithmetic | selfplay (scripted self-play proposals and solutions) | judge (scripted judge replies)")
      ->check(CLI::IsMember({"arithmetic", "selfplay", "judge"}));
  app.add_option("--max-concurrent", options.max_concurrent, "429 above this many in flight (0: unlimited)")
      ->check(CLI::NonNegativeNumber);
  std::string book;
  app.add_option("--assistant-marker", options.assistant_marker,
                 "Completions: the prompt after the last occurrence is an assistant turn to continue");
  app.add_flag("--apply-stop", options.apply_stop, "Honour the body's stop strings");
  app.add_flag("--report-stop-reason", options.report_stop_reason, "Send vLLM's stop_reason with each choice");
  app.add_option("--stream-event-delay-ms", options.stream_event_delay_ms, "Pause between stream events")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--book", book, "Answer book (JSON): prompts containing a rule's strings get one of its answers");
  CLI11_PARSE(app, argc, argv);
  options.port = static_cast<std::uint16_t>(port);
  if (!faults.empty()) options.faults = split_commas(faults);
  if (!book.empty()) {
    try {
      options.book = gauntlet::testing::load_answer_book(book);
    } catch (const std::exception& e) {
      std::cerr << "fake_openai_server: " << e.what() << "\n";
      return 2;
    }
  }

  // Block the signals before any thread starts, so only sigwait() below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    FakeOpenAIServer server(options);
    server.start();
    std::cout << "PORT " << server.port() << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  } catch (const std::exception& e) {
    std::cerr << "fake_openai_server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
