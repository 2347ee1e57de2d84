#include "harness/budgets/model_verifier.h"

#include <fmt/format.h>

#include "verifiers/text.h"

namespace gauntlet::harness {

std::optional<bool> parse_yes_no(std::string_view reply) {
  std::size_t i = 0;
  while (i < reply.size() && !verifiers::is_alpha(reply[i])) {
    if (verifiers::is_digit(reply[i])) return std::nullopt;
    ++i;
  }
  std::size_t j = i;
  while (j < reply.size() && verifiers::is_alpha(reply[j])) ++j;
  const std::string word = verifiers::ascii_lower(reply.substr(i, j - i));
  if (word == "yes") return true;
  if (word == "no") return false;
  return std::nullopt;
}

std::string last_sentences(std::string_view text, int n) {
  if (n <= 0) return verifiers::trim(text);
  // Sentence starts, in order: where each non-blank piece begins.
  std::vector<std::size_t> starts;
  bool in_sentence = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!in_sentence && !verifiers::is_space(c)) {
      starts.push_back(i);
      in_sentence = true;
    }
    if (c == '\n') {
      in_sentence = false;
    } else if ((c == '.' || c == '!' || c == '?') && (i + 1 == text.size() || verifiers::is_space(text[i + 1]))) {
      in_sentence = false;
    }
  }
  if (starts.size() <= static_cast<std::size_t>(n)) return verifiers::trim(text);
  return verifiers::trim(text.substr(starts[starts.size() - static_cast<std::size_t>(n)]));
}

std::string fill_prompt(std::string_view prompt, const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  std::size_t i = 0;
  while (i < prompt.size()) {
    bool replaced = false;
    if (prompt[i] == '{') {
      for (const auto& [key, value] : values) {
        if (prompt.compare(i + 1, key.size(), key) == 0 && i + 1 + key.size() < prompt.size() &&
            prompt[i + 1 + key.size()] == '}') {
          out += value;
          i += key.size() + 2;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += prompt[i++];
  }
  return out;
}

ModelVerifier::ModelVerifier(ModelClient& client, ModelVerifierOptions options)
    : client_(client), options_(std::move(options)) {}

bool ModelVerifier::ask(const std::string& prompt) {
  ChatRequest request;
  request.messages = {{"user", prompt}};
  request.params.temperature = 0.0;
  request.params.max_tokens = options_.max_tokens;
  const ChatResult result = client_.submit(std::move(request)).get();
  if (!result.ok()) throw VerifierError("verifier model failed: " + result.error);
  if (result.choices.empty()) throw VerifierError("verifier model returned no choice");
  const auto verdict = parse_yes_no(result.choices[0].text);
  if (!verdict) {
    std::string reply = result.choices[0].text.substr(0, 80);
    throw VerifierError(fmt::format("verifier reply is neither yes nor no: \"{}\"", verifiers::valid_utf8(reply)));
  }
  return *verdict;
}

AnswerCheck ModelVerifier::p1(const std::string& problem, const Thought& thought) {
  AnswerCheck out;
  out.has_answer = ask(fill_prompt(options_.p1_prompt, {{"problem", problem},
                                                        {"thought", last_sentences(thought.text, options_.last_sentences)}}));
  return out;
}

bool ModelVerifier::p2(const std::string& problem, const Thought& a, const AnswerCheck& /*a_check*/, const Thought& b,
                       const AnswerCheck& /*b_check*/) {
  return ask(fill_prompt(options_.p2_prompt, {{"problem", problem},
                                              {"a", last_sentences(a.text, options_.last_sentences)},
                                              {"b", last_sentences(b.text, options_.last_sentences)}}));
}

}  // namespace gauntlet::harness
