#pragma once
// RequestError: a generation request the engine cannot run as given (an empty prompt, a token id
// outside the vocabulary, a negative max_tokens). ContextOverflow: a prompt that leaves no room for an
// answer within the model's context (max_position_embeddings). Messages say what is wrong with the
// request, never which function noticed.
#include <stdexcept>
#include <string>

namespace gauntlet::engine {

class RequestError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class ContextOverflow : public RequestError {
 public:
  ContextOverflow(int prompt_tokens, int context)
      : RequestError("context too long: the prompt has " + std::to_string(prompt_tokens) +
                     " tokens and the model's context (max_position_embeddings) is " + std::to_string(context) +
                     ", which leaves no room for an answer"),
        prompt_tokens_(prompt_tokens), context_(context) {}
  int prompt_tokens() const { return prompt_tokens_; }
  int context() const { return context_; }

 private:
  int prompt_tokens_;
  int context_;
};

}  // namespace gauntlet::engine
