#include "games/mathquiz_game.h"

#include <cctype>
#include <set>

#include <fmt/format.h>

#include "games/free_text.h"
#include "games/game_factories.h"
#include "games/game_options.h"
#include "games/split_mix64.h"

namespace gauntlet::games {
namespace {

// Whether `number` appears in `text` as a whole number (not inside a longer run of digits).
bool contains_number(const std::string& text, const std::string& number) {
  for (auto at = text.find(number); at != std::string::npos; at = text.find(number, at + 1)) {
    bool before = at > 0 && std::isdigit(static_cast<unsigned char>(text[at - 1]));
    std::size_t end = at + number.size();
    bool after = end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]));
    if (!before && !after) return true;
  }
  return false;
}

}  // namespace

MathQuizOptions MathQuizOptions::from_json(const nlohmann::json& options) {
  static const std::set<std::string> kKeys = {"target_min", "target_max", "target", "teacher_attempts",
                                              "student_attempts", "max_question_chars"};
  for (const auto& [key, value] : options.items())
    if (!kKeys.count(key))
      throw GameConfigError(fmt::format("mathquiz: unknown option '{}' (valid: target_min, target_max, target, "
                                        "teacher_attempts, student_attempts, max_question_chars)",
                                        key));
  MathQuizOptions o;
  o.target_min = int_option(options, "mathquiz", "target_min", o.target_min, -1000000000, 1000000000);
  o.target_max = int_option(options, "mathquiz", "target_max", o.target_max, -1000000000, 1000000000);
  if (o.target_min > o.target_max) throw GameConfigError("mathquiz: target_min must not exceed target_max");
  if (options.contains("target")) o.target = int_option(options, "mathquiz", "target", 0, -1000000000, 1000000000);
  o.teacher_attempts = int_option(options, "mathquiz", "teacher_attempts", o.teacher_attempts, 1, 100);
  o.student_attempts = int_option(options, "mathquiz", "student_attempts", o.student_attempts, 1, 100);
  o.max_question_chars = int_option(options, "mathquiz", "max_question_chars", o.max_question_chars, 10, 100000);
  return o;
}

MathQuizGame::MathQuizGame(const MathQuizOptions& options, std::uint64_t seed)
    : ConversationalGame(2), options_(options), seed_(seed) {
  questions_ = 1;
  target_ = target_for(0);
}

int MathQuizGame::target_for(int question_index) const {
  if (options_.target) return *options_.target;
  SplitMix64 rng(seed_ ^ (0x8cb92ba72f3d8dd7ULL * static_cast<std::uint64_t>(question_index + 1)));
  auto span = static_cast<std::uint64_t>(static_cast<long long>(options_.target_max) - options_.target_min + 1);
  return static_cast<int>(options_.target_min + static_cast<long long>(rng.below(span)));
}

int MathQuizGame::to_move() const {
  switch (phase_) {
    case Phase::kQuestion:
    case Phase::kTeacherAnswer: return kTeacher;
    case Phase::kStudentAnswer: return kStudent;
    default: return -1;
  }
}

std::optional<std::string> MathQuizGame::parse_move(const std::string& text, std::string* reason) const {
  auto fail = [&](std::string why) -> std::optional<std::string> {
    if (reason) *reason = std::move(why);
    return std::nullopt;
  };
  if (to_move() < 0) return fail(phase_ == Phase::kOver ? "the game is over" : "a check is pending");
  std::string move = trim(text);
  if (move.empty()) return fail("the reply is empty");
  if (phase_ == Phase::kQuestion) {
    if (static_cast<int>(move.size()) > options_.max_question_chars)
      return fail(fmt::format("the question is {} characters long; the limit is {}", move.size(),
                              options_.max_question_chars));
    if (contains_number(move, std::to_string(target_)))
      return fail(fmt::format("the question contains its answer {}; write it without that number", target_));
  }
  return move;
}

Legality MathQuizGame::apply(const std::string& text) {
  std::string reason;
  auto move = parse_move(text, &reason);
  if (!move) return {false, reason};
  const int mover = to_move();
  log_.mark_moved(mover);
  if (phase_ == Phase::kQuestion) {
    question_ = *move;
    phase_ = Phase::kTeacherAnswer;
    history_.push_back({{"event", "question"}, {"target", target_}, {"question", question_}});
  } else {
    pending_answer_ = *move;
    phase_ = phase_ == Phase::kTeacherAnswer ? Phase::kTeacherCheck : Phase::kStudentCheck;
  }
  return {true, ""};
}

std::optional<CheckRequest> MathQuizGame::pending_check() const {
  if (phase_ != Phase::kTeacherCheck && phase_ != Phase::kStudentCheck) return std::nullopt;
  CheckRequest r;
  r.kind = "math_answer";
  r.input = {{"question", question_},
             {"answer", pending_answer_},
             {"target", std::to_string(target_)},
             {"role", phase_ == Phase::kTeacherCheck ? "teacher" : "student"}};
  return r;
}

Legality MathQuizGame::resolve_check(const nlohmann::json& result) {
  if (phase_ != Phase::kTeacherCheck && phase_ != Phase::kStudentCheck) return {false, "no check is pending"};
  if (!result.is_object() || !result.contains("correct") || !result["correct"].is_boolean())
    return {false, "a math_answer result needs a boolean \"correct\""};
  const bool correct = result["correct"].get<bool>();
  std::string said = result.contains("extracted") && result["extracted"].is_string()
                         ? result["extracted"].get<std::string>()
                         : std::string("no answer found");
  if (phase_ == Phase::kTeacherCheck) {
    history_.push_back({{"event", "teacher_answer"}, {"answer", pending_answer_}, {"extracted", said}, {"correct", correct}});
    if (correct) {
      log_.add("You answered your own question correctly; the student now gets it.", {kTeacher});
      phase_ = Phase::kStudentAnswer;
      return {true, ""};
    }
    ++teacher_failures_;
    log_.add(fmt::format("Your own answer ({}) is not {}: the question is withdrawn ({} of {} attempts used).", said,
                         target_, teacher_failures_, options_.teacher_attempts),
             {kTeacher});
    if (teacher_failures_ >= options_.teacher_attempts) {
      finish(0.0, 1.0, fmt::format("the teacher failed its own question {} times", teacher_failures_));
      return {true, ""};
    }
    target_ = target_for(questions_++);
    question_.clear();
    phase_ = Phase::kQuestion;
    return {true, ""};
  }
  history_.push_back({{"event", "student_answer"}, {"answer", pending_answer_}, {"extracted", said}, {"correct", correct}});
  if (correct) {
    log_.add(fmt::format("The student answered {}: correct.", said), {kTeacher});
    finish(0.0, 1.0, "the student answered correctly");
    return {true, ""};
  }
  ++student_failures_;
  log_.add(fmt::format("Your answer ({}) is wrong ({} of {} attempts used).", said, student_failures_,
                       options_.student_attempts),
           {kStudent});
  log_.add(fmt::format("The student answered {}: wrong.", said), {kTeacher});
  if (student_failures_ >= options_.student_attempts) {
    finish(1.0, 0.0, fmt::format("the student answered wrongly {} times", student_failures_));
    return {true, ""};
  }
  phase_ = Phase::kStudentAnswer;
  return {true, ""};
}

void MathQuizGame::finish(double teacher, double student, std::string reason) {
  phase_ = Phase::kOver;
  outcome_.finished = true;
  outcome_.scores = {teacher, student};
  outcome_.reason = std::move(reason);
}

std::string MathQuizGame::intro(int role) const {
  const auto& o = options_;
  if (role == kTeacher)
    return fmt::format(
        "MathQuiz. You are the teacher; the other player is the student. You write a math question whose answer is "
        "a given integer (the target), then answer it yourself: only if your own answer is right does the student "
        "see the question. If the student answers it correctly within {} attempts the student wins, otherwise you "
        "win. If you fail to answer your own questions {} times, the student wins.\n",
        o.student_attempts, o.teacher_attempts);
  return fmt::format(
      "MathQuiz. You are the student; the other player is the teacher, who writes a math question with an integer "
      "answer. Answer it correctly within {} attempts and you win; otherwise the teacher wins.\n",
      o.student_attempts);
}

std::string MathQuizGame::instruction(int role) const {
  if (to_move() != role) return phase_ == Phase::kOver ? "The game is over: " + outcome_.reason + ".\n" : "";
  switch (phase_) {
    case Phase::kQuestion:
      return fmt::format(
          "Your target is {0}. Write a challenging math question whose answer is exactly {0}, without writing the "
          "number {0} anywhere in it (at most {1} characters). Reply with the question only.\n",
          target_, options_.max_question_chars);
    case Phase::kTeacherAnswer:
      return fmt::format("Now answer your own question:\n{}\nEnd with the final answer as \\boxed{{N}}.\n", question_);
    case Phase::kStudentAnswer:
      return fmt::format("Question: {}\nAnswer it. End with the final answer as \\boxed{{N}}.\n", question_);
    default: return "";
  }
}

std::string MathQuizGame::state() const {
  static const char* kPhases[] = {"question", "teacher_answer", "teacher_check", "student_answer", "student_check", "over"};
  nlohmann::json j;
  j["phase"] = kPhases[static_cast<int>(phase_)];
  j["target"] = target_;
  j["question"] = question_;
  j["teacher_failures"] = teacher_failures_;
  j["student_failures"] = student_failures_;
  j["history"] = history_;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::unique_ptr<Game> make_mathquiz_game(const nlohmann::json& options, std::uint64_t seed) {
  return std::make_unique<MathQuizGame>(MathQuizOptions::from_json(options), seed);
}

}  // namespace gauntlet::games
