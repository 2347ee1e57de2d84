#include "harness/run/progress.h"

#include <fmt/format.h>

namespace gauntlet::harness {
namespace {

std::string format_duration(double s) {
  if (s < 0 || s > 1e8) return "--";
  auto total = static_cast<long long>(s + 0.5);
  if (total >= 3600) return fmt::format("{}h{:02}m", total / 3600, (total % 3600) / 60);
  if (total >= 60) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}s", total);
}

}  // namespace

std::string shorten(const std::string& text, std::size_t max_bytes) {
  std::string s = text.substr(0, max_bytes);
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  if (text.size() <= max_bytes) return s;
  while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();  // whole code points
  if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
  return s + "…";
}

Progress::Progress(std::ostream& out, bool live, double interval_s)
    : out_(out), live_(live), interval_s_(live ? 0.25 : interval_s), start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

std::string Progress::format_line(const ProgressCounts& c, double elapsed_s, double rate) {
  double pct = c.total > 0 ? 100.0 * static_cast<double>(c.done) / static_cast<double>(c.total) : 100.0;
  double eta = rate > 0 ? static_cast<double>(c.total - c.done) / rate : -1;
  std::string line =
      fmt::format("{}/{} ({:.1f}%) | {:.1f}/s | elapsed {} | ETA {} | in flight {}{} | retries {} | errors {} | cached {}",
                  c.done, c.total, pct, rate, format_duration(elapsed_s), c.done >= c.total ? "0s" : format_duration(eta),
                  c.in_flight, c.limit > 0 ? fmt::format("/{}", c.limit) : "", c.retries, c.errors, c.cached);
  if (!c.last_error.empty()) line += " | last error: " + shorten(c.last_error, 160);
  return line;
}

void Progress::print(const ProgressCounts& c, bool final_line) {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  if (start_done_ < 0) start_done_ = c.done;
  double rate = elapsed > 0 ? static_cast<double>(c.done - start_done_) / elapsed : 0.0;
  std::string line = format_line(c, elapsed, rate);
  if (live_) out_ << "\r\x1b[2K" << line << (final_line ? "\n" : "");
  else out_ << "progress: " << line << "\n";
  out_.flush();
  last_print_ = now;
}

void Progress::tick(const ProgressCounts& counts) {
  if (start_done_ < 0) start_done_ = counts.done;
  auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_print_).count() >= interval_s_) print(counts, false);
}

void Progress::finish(const ProgressCounts& counts) { print(counts, true); }

}  // namespace gauntlet::harness
