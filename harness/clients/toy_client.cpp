#include "harness/clients/toy_client.h"

#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "harness/digest/sha256.h"

namespace gauntlet::harness {
namespace {

int count_words(const std::string& s) {
  std::istringstream in(s);
  std::string w;
  int n = 0;
  while (in >> w) ++n;
  return n;
}

// Column-by-column addition trace, least significant digit first (the testbed's format).
std::string addition_trace(long long a, long long b) {
  std::string trace;
  long long carry = 0;
  std::string digits;
  while (a > 0 || b > 0 || carry > 0) {
    long long da = a % 10, db = b % 10, sum = da + db + carry;
    digits.insert(digits.begin(), static_cast<char>('0' + sum % 10));
    trace += fmt::format("{}+{}\n{}+{}+{}={} r{} c{}\n", a, b, da, db, carry, sum, digits, sum / 10);
    carry = sum / 10;
    a /= 10;
    b /= 10;
  }
  return trace;
}

}  // namespace

ToyClient::ToyClient(const ModelSpec& config) : toy_(config.toy()), thinking_(config.thinking()) {}

ChatResult ToyClient::answer(const ChatRequest& request) const {
  std::string prompt = request.prompt;
  for (const auto& m : request.messages)
    if (m.role == "user") prompt = m.content;
  ChatResult result;
  if (!request.assistant_prefix.empty() || !request.chat_template_kwargs.is_null()) {
    result.error = "toy: budget policies (assistant_prefix, chat_template_kwargs) do not apply to the toy provider";
    result.failure = Failure::kRejected;
    return result;
  }
  Choice choice;
  choice.finish_reason = "stop";
  // An alternation, not a bracket: "×" is two bytes in UTF-8 and std::regex matches bytes.
  static const std::regex expr(R"((-?\d{1,12})\s*(\+|-|\*|x|×)\s*(-?\d{1,12}))");
  std::smatch m;
  if (!std::regex_search(prompt, m, expr)) {
    choice.text = "I can only do arithmetic.";
  } else {
    long long a = std::stoll(m[1]), b = std::stoll(m[3]);
    std::string op = m[2];
    long long value = op == "+" ? a + b : op == "-" ? a - b : a * b;
    std::string trace = (op == "+" && a >= 0 && b >= 0) ? addition_trace(a, b)
                                                         : fmt::format("{} {} {}\n= {}\n", a, op, b, value);
    std::string material = fmt::format("{}|{}|{}", prompt, request.params.seed.value_or(0), request.sample_index);
    double u = static_cast<double>(std::stoull(sha256_hex(material).substr(0, 12), nullptr, 16)) / double(1ULL << 48);
    bool right = u < (thinking_ ? toy_.accuracy : toy_.nothink_accuracy);
    if (!right) value += (u * 1000 > 500 ? 1 : -1) * (1 + static_cast<long long>(u * 97) % 9);
    if (thinking_) choice.reasoning = trace;
    choice.text = fmt::format("The answer is \\boxed{{{}}}", value);
  }
  int budget = request.params.max_tokens.value_or(1 << 30);
  int reasoning_tokens = count_words(choice.reasoning) * 3;
  int text_tokens = count_words(choice.text) * 2;
  if (reasoning_tokens + text_tokens > budget) {
    choice.finish_reason = "length";
    choice.text.clear();
    text_tokens = 0;
    reasoning_tokens = budget;
  }
  result.usage.prompt_tokens = count_words(prompt) * 2 + 4;
  result.usage.completion_tokens = reasoning_tokens + text_tokens;
  result.usage.reasoning_tokens = reasoning_tokens;
  result.choices.push_back(std::move(choice));
  for (int i = 1; i < request.n; ++i) result.choices.push_back(result.choices.front());
  return result;
}

}  // namespace gauntlet::harness
