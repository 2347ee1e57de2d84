#include "tests/support/served_model.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <regex>
#include <thread>

#include "tests/support/command.h"

namespace gauntlet::testing {

ServedModel::ServedModel(const std::string& binary, const std::string& model_dir, const std::string& dir,
                         const std::vector<std::string>& extra)
    : err_path_(dir + "/serve.err") {
  std::vector<std::string> args = {binary, "serve", "--model", model_dir, "--port", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = spawn(args, dir + "/serve.out", err_path_);
  if (pid_ <= 0) return;
  for (int i = 0; i < 200 && port_.empty(); ++i) {
    std::smatch m;
    const std::string err = read_file(err_path_);
    if (std::regex_search(err, m, std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)"))) port_ = m[1];
    else std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(port_.empty()) << "gauntlet serve did not listen:\n" << read_file(err_path_);
}

ServedModel::~ServedModel() { stop(); }

std::string ServedModel::stderr_text() const { return read_file(err_path_); }

Exit ServedModel::stop() {
  if (pid_ <= 0) return {};
  kill(pid_, SIGTERM);
  const Exit exit = wait_exit(pid_, std::chrono::seconds(20));
  pid_ = -1;
  return exit;
}

}  // namespace gauntlet::testing
