// Entry point: the job lines of `gauntlet sandbox batch`, read by JsonlReader and job_from_json
// (nothing is run). Documented errors: DatasetError (a line, with its number), std::invalid_argument
// (a key, from job_from_json).
#include <sstream>

#include "fuzz/support/fuzz_target.h"
#include "harness/errors/errors.h"
#include "harness/input/jsonl_reader.h"
#include "sandbox/job.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet;
  std::istringstream in{std::string(fuzz::as_text(data, size))};
  harness::JsonlReader reader(in, "jobs.jsonl");
  nlohmann::json j;
  try {
    while (reader.next(j)) {
      try {
        sandbox::Job job = sandbox::job_from_json(j, std::to_string(reader.line()));
        (void)job.effective_wall_timeout_ms();
      } catch (const std::invalid_argument&) {
      }
    }
  } catch (const harness::DatasetError&) {
  }
  return 0;
}
