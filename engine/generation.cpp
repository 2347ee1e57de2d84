#include "engine/generation.h"

#include <algorithm>

#include "engine/engine.h"
#include "engine/request_error.h"

namespace gauntlet::engine {

namespace {

// Position of the earliest stop string in text, searching from `from`; npos when none.
std::size_t find_stop(const std::string& text, const std::vector<std::string>& stops, std::size_t from) {
  std::size_t best = std::string::npos;
  for (const auto& s : stops) {
    if (s.empty()) continue;
    const std::size_t at = text.find(s, from);
    if (at < best) best = at;
  }
  return best;
}

}  // namespace

void check_request(const std::vector<int>& prompt_ids, int max_tokens, const ModelConfig& config) {
  if (prompt_ids.empty()) throw RequestError("the prompt is empty");
  if (max_tokens < 0) throw RequestError("max_tokens is negative (" + std::to_string(max_tokens) + ")");
  const int vocab = config.vocab_size;
  for (int id : prompt_ids)
    if (id < 0 || id >= vocab)
      throw RequestError("prompt token id " + std::to_string(id) + " is outside the vocabulary (" +
                         std::to_string(vocab) + ")");
  const int max_context = config.max_position_embeddings;
  if (max_context > 0 && static_cast<int>(prompt_ids.size()) >= max_context)
    throw ContextOverflow(static_cast<int>(prompt_ids.size()), max_context);
}

GenerationState::GenerationState(const GenerationRequest& request, std::vector<int> prompt_ids,
                                 const Tokenizer& tokenizer, const std::optional<ThinkingDelimiters>& thinking,
                                 const ModelConfig& config, GenerationResult& result)
    : request_(request),
      result_(result),
      stop_ids_(request.stop_token_ids),
      decoder_(tokenizer, request.skip_special_tokens),
      thinking_(thinking, prompt_ids) {
  result_.prompt_ids = std::move(prompt_ids);
  result_.finish_reason = "length";
  if (!request.ignore_eos) stop_ids_.insert(stop_ids_.end(), config.eos_token_ids.begin(), config.eos_token_ids.end());
  for (const auto& s : request.stop_strings) longest_stop_ = std::max(longest_stop_, s.size());
}

bool GenerationState::push(const SampledToken& token) {
  result_.tokens.push_back(token);
  text_before_ = result_.text.size();
  if (std::find(stop_ids_.begin(), stop_ids_.end(), token.id) != stop_ids_.end()) {
    result_.finish_reason = "stop";
    return true;
  }
  const std::size_t before = result_.text.size();
  result_.text += decoder_.push(token.id);
  thinking_.push(result_.tokens.size() - 1, token.id, before, result_.text.size());
  if (longest_stop_ > 0 && result_.text.size() > before) {
    const std::size_t from = before >= longest_stop_ ? before - longest_stop_ + 1 : 0;
    const std::size_t at = find_stop(result_.text, request_.stop_strings, from);
    if (at != std::string::npos) {
      result_.text.resize(at);
      text_before_ = std::min(text_before_, at);
      result_.finish_reason = "stop";
      stopped_by_string_ = true;
      return true;
    }
  }
  return static_cast<int>(result_.tokens.size()) >= request_.max_tokens;
}

void GenerationState::finish() {
  if (!stopped_by_string_) result_.text += decoder_.finish();  // an incomplete UTF-8 tail, if any
  result_.thinking = thinking_.finish(result_.text.size());
}

}  // namespace gauntlet::engine
