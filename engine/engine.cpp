#include "engine/engine.h"

#include <algorithm>
#include <ctime>
#include <limits>
#include <stdexcept>

#include "engine/generation.h"
#include "engine/kv_cache.h"
#include "engine/request_error.h"
#include "engine/text/jinja/error.h"
#include "engine/text/tokenizer_error.h"

namespace gauntlet::engine {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of the process, all threads.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

std::filesystem::path tokenizer_dir(const std::filesystem::path& model_dir, const EngineOptions& options) {
  return options.tokenizer_path.empty() ? model_dir : options.tokenizer_path;
}

// The checkpoint's chat template, when it ships one. A template that does not parse is kept as
// its error, raised when a chat is rendered, so the model still loads for plain prompts.
std::optional<ChatTemplate> load_chat_template(const std::filesystem::path& tokenizer_path, std::exception_ptr& error) {
  try {
    return ChatTemplate::find(tokenizer_path);
  } catch (const jinja::TemplateError&) {
    error = std::current_exception();
    return std::nullopt;
  }
}

// Points a Forward at a routing plan, trace and probe for one scope; restores the defaults after.
class ForwardHooks {
 public:
  ForwardHooks(Forward& f, const RoutingPlan* plan, std::vector<PositionRoutes>* trace, ExpertProbe* probe)
      : f_(f) {
    f_.set_routing(plan);
    f_.set_trace(trace);
    f_.set_probe(probe);
  }
  ~ForwardHooks() {
    f_.set_routing(nullptr);
    f_.set_trace(nullptr);
    f_.set_probe(nullptr);
  }
  ForwardHooks(const ForwardHooks&) = delete;
  ForwardHooks& operator=(const ForwardHooks&) = delete;

 private:
  Forward& f_;
};

}  // namespace

std::vector<int> GenerationResult::token_ids() const {
  std::vector<int> ids;
  for (const auto& t : tokens) ids.push_back(t.id);
  return ids;
}

double GenerationResult::self_certainty() const {
  if (tokens.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (const auto& t : tokens) sum += t.self_certainty;  // NaN when not computed
  return sum / static_cast<double>(tokens.size());
}

Engine::Engine(const std::filesystem::path& model_dir, const EngineOptions& options)
    : checkpoint_(std::make_unique<Checkpoint>(model_dir)),
      weights_(resolve_model_weights(*checkpoint_)),
      tokenizer_(Tokenizer::load(tokenizer_dir(model_dir, options))),
      chat_template_(load_chat_template(tokenizer_dir(model_dir, options), chat_template_error_)),
      tokenizer_source_(tokenizer_dir(model_dir, options)),
      thinking_(find_thinking_delimiters(tokenizer_)),
      pool_(options.threads),
      forward_(weights_, pool_),
      default_controls_(options.routing),
      default_routing_(options.routing, weights_.config) {}

const ChatTemplate& Engine::chat_template() const {
  if (chat_template_error_) std::rethrow_exception(chat_template_error_);
  if (!chat_template_) throw TokenizerError(tokenizer_source_.string() + ": no chat template (tokenizer_config.json or chat_template.jinja)");
  return *chat_template_;
}

const ChatTemplate& Engine::chat_template_or_chatml() const {
  if (chat_template_error_) std::rethrow_exception(chat_template_error_);
  static const ChatTemplate chatml = ChatTemplate::chatml();
  return chat_template_ ? *chat_template_ : chatml;
}

std::string Engine::render_chat(const std::vector<ChatTurn>& turns, const RenderOptions& options) const {
  return chat_template_or_chatml().render(turns, options);
}

std::string Engine::render_chat(const ChatInput& input) const { return chat_template_or_chatml().render(input); }

std::vector<GenerationResult> Engine::generate(const std::vector<GenerationRequest>& requests) {
  std::vector<GenerationResult> results;
  results.reserve(requests.size());
  for (const auto& r : requests) results.push_back(generate(r));
  return results;
}

GenerationResult Engine::generate(const GenerationRequest& request) {
  GenerationResult result;
  std::vector<int> prompt_ids = request.prompt_ids.empty() ? tokenizer_.encode(request.prompt) : request.prompt_ids;
  check_request(prompt_ids, request.max_tokens, config());
  GenerationState state(request, std::move(prompt_ids), tokenizer_, thinking_, config(), result);
  if (request.max_tokens == 0) return result;

  // Only ids the tokenizer can decode exist for sampling (checkpoint vocabularies are often padded):
  // padding ids are never chosen nor listed in top_logprobs, and log-probabilities are normalised
  // over the tokenizer's ids, as vLLM does (sampler.h).
  const int choose_from = tokenizer_.vocab_size();
  const int max_context = config().max_position_embeddings;

  std::optional<RoutingPlan> request_routing;
  if (request.routing) request_routing.emplace(*request.routing, config());
  std::vector<PositionRoutes> trace;
  ForwardHooks hooks(forward_, request_routing ? &*request_routing : &default_routing_,
                     request.trace_routing ? &trace : nullptr, nullptr);

  KvCache cache = forward_.new_cache();
  Sampler sampler(request.sampling);

  auto start = Clock::now();
  double cpu_start = cpu_seconds();
  std::vector<float> logits = forward_.run(result.prompt_ids, cache);  // [V]
  result.timing.prefill_tokens = static_cast<int>(result.prompt_ids.size());
  result.timing.prefill_seconds = seconds_since(start);
  result.timing.prefill_cpu_seconds = cpu_seconds() - cpu_start;

  start = Clock::now();
  cpu_start = cpu_seconds();
  for (;;) {
    if (state.push(sampler.sample(logits, choose_from))) break;
    if (max_context > 0 && cache.size() >= max_context) {  // no position left for another token
      result.finish_reason = "context";
      break;
    }
    logits = forward_.decode(result.tokens.back().id, cache);
    ++result.timing.decode_tokens;
  }
  state.finish();
  result.timing.decode_seconds = seconds_since(start);
  result.timing.decode_cpu_seconds = cpu_seconds() - cpu_start;
  if (request.trace_routing) {
    const std::size_t first = result.prompt_ids.size() - 1;  // the position that produced tokens[0]
    if (request.trace_prompt_routing)
      result.prompt_routing.assign(trace.begin(), trace.begin() + static_cast<std::ptrdiff_t>(first + 1));
    result.routing.assign(trace.begin() + static_cast<std::ptrdiff_t>(first), trace.end());
  }
  return result;
}

void Engine::teacher_force(std::span<const int> ids, const RoutingControls* routing,
                           std::vector<PositionRoutes>* trace, ExpertProbe* probe) {
  if (ids.empty()) throw RequestError("no tokens to run");
  const int vocab = config().vocab_size;
  for (int id : ids)
    if (id < 0 || id >= vocab)
      throw RequestError("token id " + std::to_string(id) + " is outside the vocabulary (" + std::to_string(vocab) + ")");
  std::optional<RoutingPlan> plan;
  if (routing) plan.emplace(*routing, config());
  ForwardHooks hooks(forward_, plan ? &*plan : &default_routing_, trace, probe);
  KvCache cache = forward_.new_cache();
  forward_.run(ids, cache);
}

}  // namespace gauntlet::engine
