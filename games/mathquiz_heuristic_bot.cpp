// MathQuizHeuristicBot: as teacher, asks seeded arithmetic whose value is the target ("What is
// 412 + 111?", "What is 17 * 30 + 13?", or a word problem with a product in it, sometimes with a
// distracting number) and answers it
// with the target; as student, evaluates the first arithmetic expression of the question (+ - * /
// and parentheses), or, when there is none, tries the sum, then the product, then a * b + rest of
// the question's numbers on successive attempts.
#include <cctype>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "games/game_factories.h"
#include "games/mathquiz_game.h"
#include "games/split_mix64.h"

namespace gauntlet::games {
namespace {

// Recursive descent over + - * / ( ) and integers; nullopt on anything else or a non-exact division.
class Arithmetic {
 public:
  explicit Arithmetic(std::string text) : s_(std::move(text)) {}
  std::optional<long long> value() {
    auto v = sum();
    skip();
    if (!v || pos_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  void skip() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  std::optional<long long> sum() {
    auto v = product();
    for (skip(); v && pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-'); skip()) {
      char op = s_[pos_++];
      auto r = product();
      if (!r) return std::nullopt;
      long long out = 0;
      if (op == '+' ? __builtin_add_overflow(*v, *r, &out) : __builtin_sub_overflow(*v, *r, &out)) return std::nullopt;
      v = out;
    }
    return v;
  }
  std::optional<long long> product() {
    auto v = atom();
    for (skip(); v && pos_ < s_.size() && (s_[pos_] == '*' || s_[pos_] == '/' || s_[pos_] == 'x'); skip()) {
      char op = s_[pos_++];
      auto r = atom();
      if (!r || (op == '/' && (*r == 0 || *v % *r != 0))) return std::nullopt;
      long long out = 0;
      if (op == '/') out = *v / *r;
      else if (__builtin_mul_overflow(*v, *r, &out)) return std::nullopt;
      v = out;
    }
    return v;
  }
  std::optional<long long> atom() {
    skip();
    if (pos_ < s_.size() && s_[pos_] == '(') {
      ++pos_;
      auto v = sum();
      skip();
      if (!v || pos_ >= s_.size() || s_[pos_] != ')') return std::nullopt;
      ++pos_;
      return v;
    }
    bool negative = pos_ < s_.size() && s_[pos_] == '-';
    if (negative) ++pos_;
    std::size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_])) && pos_ - start < 9) ++pos_;
    if (pos_ == start) return std::nullopt;
    long long v = std::stoll(s_.substr(start, pos_ - start));
    return negative ? -v : v;
  }
  std::string s_;
  std::size_t pos_ = 0;
};

// The first run of digits, operators and parentheses holding an operator between numbers.
std::optional<long long> first_expression(const std::string& question) {
  auto allowed = [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == ' ' || c == '+' || c == '-' || c == '*' || c == '/' ||
           c == '(' || c == ')' || c == 'x';
  };
  for (std::size_t i = 0; i < question.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(question[i])) && question[i] != '(') continue;
    std::size_t j = i;
    while (j < question.size() && allowed(question[j])) ++j;
    std::string run = question.substr(i, j - i);
    while (!run.empty() && (run.back() == ' ' || run.back() == '+' || run.back() == '-' || run.back() == '*' ||
                            run.back() == '/' || run.back() == 'x'))
      run.pop_back();
    if (run.find_first_of("+-*/x", 1) != std::string::npos)
      if (auto v = Arithmetic(run).value()) return v;
    i = j;
  }
  return std::nullopt;
}

std::vector<long long> numbers_in(const std::string& text) {
  std::vector<long long> out;
  for (std::size_t i = 0; i < text.size();) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) && j - i < 9) ++j;
    out.push_back(std::stoll(text.substr(i, j - i)));
    i = j;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  }
  return out;
}

class MathQuizHeuristicBot : public Bot {
 public:
  explicit MathQuizHeuristicBot(std::uint64_t seed) : rng_(seed) {}
  std::string name() const override { return "heuristic"; }

  std::string choose_move(const Game& game) override {
    const auto* g = dynamic_cast<const MathQuizGame*>(&game);
    if (!g) throw std::runtime_error("mathquiz heuristic bot: game is " + game.name());
    switch (g->phase()) {
      case MathQuizGame::Phase::kQuestion: return question(g->target());
      case MathQuizGame::Phase::kTeacherAnswer: return fmt::format("\\boxed{{{}}}", g->target());
      case MathQuizGame::Phase::kStudentAnswer: return fmt::format("\\boxed{{{}}}", answer(g->question(), g->student_failures()));
      default: throw std::runtime_error("mathquiz heuristic bot: nothing to do");
    }
  }

 private:
  std::string question(int target) {
    const long long t = target;
    for (int tries = 0; tries < 64; ++tries) {
      std::string q;
      switch (rng_.below(3)) {
        case 0: {
          long long a = 1 + static_cast<long long>(rng_.below(static_cast<std::uint64_t>(std::llabs(t)) + 50));
          long long b = t - a;
          q = b >= 0 ? fmt::format("What is {} + {}?", a, b) : fmt::format("What is {} - {}?", a, -b);
          break;
        }
        case 1: {
          long long a = 2 + static_cast<long long>(rng_.below(18)), b = t / a, c = t - a * b;
          q = c >= 0 ? fmt::format("What is {} * {} + {}?", a, b, c) : fmt::format("What is {} * {} - {}?", a, b, -c);
          break;
        }
        default: {
          long long rows = 2 + static_cast<long long>(rng_.below(9)), per = t / rows, extra = t - rows * per;
          if (per <= 0 || extra < 0) continue;
          // Half of them name a number that is not part of the answer (a distractor the bot's
          // own student, which combines every number it sees, cannot see through).
          if (rng_.below(2) == 0)
            q = fmt::format("An orchard has {} rows of {} trees each and {} more trees by the gate. How many trees are "
                            "there in all?",
                            rows, per, extra);
          else
            q = fmt::format("An orchard has {} rows of {} trees each and {} more trees by the gate; {} birds sit in "
                            "them. How many trees are there in all?",
                            rows, per, extra, 2 + rng_.below(40));
        }
      }
      // The question may not show the target itself.
      auto nums = numbers_in(q);
      bool shows = false;
      for (long long n : nums) shows = shows || n == std::llabs(t);
      if (!shows) return q;
    }
    return fmt::format("What is ({} + 1) * 1 - 1 + {} - {}?", t - 1, 7, 7);
  }

  long long answer(const std::string& question, int attempt) {
    if (auto v = first_expression(question)) return *v;
    auto nums = numbers_in(question);
    if (nums.empty()) return static_cast<long long>(rng_.below(1000)) + 1;
    long long sum = 0, product = 1;
    for (long long n : nums) {
      if (__builtin_add_overflow(sum, n, &sum)) sum = 0;
      if (__builtin_mul_overflow(product, n, &product)) product = 0;
    }
    if (attempt == 0) return sum;
    if (attempt == 1 || nums.size() < 2) return product;
    long long first_two = 0;
    if (__builtin_mul_overflow(nums[0], nums[1], &first_two)) return 0;
    return first_two + (sum - nums[0] - nums[1]);
  }

  SplitMix64 rng_;
};

}  // namespace

std::unique_ptr<Bot> make_mathquiz_heuristic_bot(const nlohmann::json& options, std::uint64_t seed) {
  for (const auto& [key, value] : options.items())
    throw GameConfigError(fmt::format("bot 'heuristic' (mathquiz): unknown option '{}' (it takes none)", key));
  return std::make_unique<MathQuizHeuristicBot>(seed);
}

}  // namespace gauntlet::games
