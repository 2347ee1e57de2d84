// Entry point: a server-sent-event stream of an OpenAI-compatible response, read by
// StreamAccumulator in pieces whose sizes come from the input's first byte. Documented errors:
// MalformedResponse.
#include <algorithm>

#include "fuzz/support/fuzz_target.h"
#include "harness/clients/chat.h"
#include "harness/clients/openai_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet::harness;
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const std::string stream(gauntlet::fuzz::as_text(data + 1, size - 1));
  for (Endpoint endpoint : {Endpoint::kChat, Endpoint::kCompletions}) {
    try {
      StreamAccumulator acc(endpoint);
      for (std::size_t pos = 0; pos < stream.size(); pos += piece)
        acc.feed(stream.data() + pos, std::min(piece, stream.size() - pos));
      ChatResult r = acc.finish();
      (void)to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const MalformedResponse&) {
    }
  }
  return 0;
}
