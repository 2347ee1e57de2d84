// Entry point: a battles file read by read_battles_jsonl; the battles it accepts must rate. Documented
// errors: GauntletError (DatasetError).
#include <sstream>

#include "fuzz/support/fuzz_target.h"
#include "harness/errors/errors.h"
#include "harness/ratings/battle_reader.h"
#include "harness/ratings/ratings.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet::harness;
  std::istringstream in{std::string(gauntlet::fuzz::as_text(data, size))};
  std::vector<Battle> battles;
  try {
    battles = read_battles_jsonl(in, "battles.jsonl");
  } catch (const GauntletError&) {
    return 0;
  }
  if (battles.empty() || battles.size() > 5000) return 0;
  RatingOptions options;
  options.bootstrap = 3;
  options.threads = 1;
  (void)compute_ratings(battles, options);
  (void)wdl_matrix(battles);
  return 0;
}
