// Entry point: the body of an OpenAI-compatible response, chat and completions, read by
// parse_response. Documented errors: MalformedResponse.
#include "fuzz/support/fuzz_target.h"
#include "harness/clients/chat.h"
#include "harness/clients/openai_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet::harness;
  const std::string body(gauntlet::fuzz::as_text(data, size));
  for (Endpoint endpoint : {Endpoint::kChat, Endpoint::kCompletions}) {
    try {
      ChatResult r = parse_response(body, endpoint);
      (void)to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const MalformedResponse&) {
    }
  }
  return 0;
}
