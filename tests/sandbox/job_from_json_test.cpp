// job_from_json: one line of `gauntlet sandbox batch` to a Job; every wrong key, type or limit is an
// invalid_argument naming the key.
#include <gtest/gtest.h>

#include <string>

#include "sandbox/job.h"

namespace gauntlet::sandbox {
namespace {

using nlohmann::json;

std::string error_of(const json& j) {
  try {
    job_from_json(j, "7");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(JobFromJson, ReadsEveryKey) {
  Job job = job_from_json(json::parse(R"j({"id": 12, "code": "print(1)", "call": "f()", "input": "x",
                                           "timeout_ms": 2000, "memory_mb": 256})j"),
                          "7");
  EXPECT_EQ(job.id, "12");
  EXPECT_EQ(job.code, "print(1)");
  EXPECT_EQ(*job.call, "f()");
  EXPECT_EQ(job.input, "x");
  EXPECT_EQ(job.timeout_ms, 2000);
  EXPECT_EQ(job.memory_mb, 256);
  Job plain = job_from_json(json::parse(R"({"code": "", "call": null})"), "7");
  EXPECT_EQ(plain.id, "7");
  EXPECT_FALSE(plain.call.has_value());
}

TEST(JobFromJson, ErrorsNameTheKey) {
  EXPECT_EQ(error_of(json::array()), "expected a JSON object");
  EXPECT_EQ(error_of(json::parse(R"({"id": 1})")), "code: missing");
  EXPECT_EQ(error_of(json::parse(R"({"code": 1})")), "code: expected a string");
  EXPECT_EQ(error_of(json::parse(R"({"code": "", "id": [1]})")), "id: expected a string or an integer");
  EXPECT_EQ(error_of(json::parse(R"({"code": "", "call": 3})")), "call: expected a string or null");
  EXPECT_EQ(error_of(json::parse(R"({"code": "", "timeout_ms": 1.5})")), "timeout_ms: expected an integer");
  EXPECT_EQ(error_of(json::parse(R"({"code": "", "timeout_ms": 18446744073709551615})")), "timeout_ms: out of range");
  EXPECT_EQ(error_of(json::parse(R"({"code": "", "memory_mb": -1})")), "memory_mb: out of range");
  EXPECT_EQ(error_of(json::parse(R"({"code": "", "memory_mb": 8})")), "memory_mb must be between 32 and 1048576");
  EXPECT_EQ(error_of(json::parse(R"({"code": "", "timeout_ms": 0})")), "timeout_ms must be between 1 and 3600000");
  EXPECT_EQ(error_of(json::parse(R"({"code": "", "cmd": 1})")),
            "unknown key \"cmd\" (expected id, code, call, input, timeout_ms, memory_mb)");
}

}  // namespace
}  // namespace gauntlet::sandbox
