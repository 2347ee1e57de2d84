#pragma once
// CPU time of this process's sandbox workers (processes named gauntlet-zygote whose parent is us),
// read from /proc/<pid>/stat, in ms: their own utime + stime, plus with `reaped_jobs` the cutime +
// cstime of the job processes they waited for. Shared by the sandbox and code-scorer benchmarks.
#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace gauntlet::bench {

inline double zygote_cpu_ms(bool reaped_jobs) {
  double total = 0;
  const long ticks = sysconf(_SC_CLK_TCK);
  DIR* dir = opendir("/proc");
  if (!dir) return 0;
  while (dirent* e = readdir(dir)) {
    std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!in || !std::getline(in, line)) continue;
    const size_t open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    if (line.substr(open + 1, close - open - 1) != "gauntlet-zygote") continue;
    std::istringstream rest(line.substr(close + 2));
    std::vector<std::string> f;
    for (std::string field; rest >> field;) f.push_back(field);
    // f[1] ppid; f[11], f[12] utime, stime; f[13], f[14] cutime, cstime (clock ticks).
    if (f.size() < 15 || std::stol(f[1]) != getpid()) continue;
    double t = std::stod(f[11]) + std::stod(f[12]);
    if (reaped_jobs) t += std::stod(f[13]) + std::stod(f[14]);
    total += t * 1e3 / static_cast<double>(ticks);
  }
  closedir(dir);
  return total;
}

}  // namespace gauntlet::bench
