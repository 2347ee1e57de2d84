#pragma once
// MathQuizGame (ZeroSumEval's MathQuiz): roles "teacher", "student". The teacher writes a question
// whose answer is a seeded integer target (the number itself may not appear in it) and must answer
// it correctly itself (a math_answer check) before the student sees it; a wrong self-answer
// withdraws the question, counts one of `teacher_attempts`, and the next question gets a new
// target. The student then answers (a math_answer check per answer) with `student_attempts` tries
// at the same question. Scores [teacher, student]: student right 0/1; student out of attempts 1/0;
// teacher out of attempts 0/1. ZeroSumEval's defaults: target uniform in 1..1000, attempts 3 (its
// pool configs' max_player_attempts; its attempts also count unreadable moves, which here are the
// match's re-prompt rules). Conversational: each model player keeps its own conversation.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "games/conversational_game.h"

namespace gauntlet::games {

struct MathQuizOptions {
  int target_min = 1;
  int target_max = 1000;
  std::optional<int> target;      // a fixed target for every question
  int teacher_attempts = 3;
  int student_attempts = 3;
  int max_question_chars = 2000;

  static MathQuizOptions from_json(const nlohmann::json& options);  // throws GameConfigError
};

class MathQuizGame : public ConversationalGame {
 public:
  enum class Phase { kQuestion, kTeacherAnswer, kTeacherCheck, kStudentAnswer, kStudentCheck, kOver };
  static constexpr int kTeacher = 0, kStudent = 1;

  MathQuizGame(const MathQuizOptions& options, std::uint64_t seed);

  std::string name() const override { return "mathquiz"; }
  std::vector<std::string> roles() const override { return {"teacher", "student"}; }
  int to_move() const override;
  std::optional<std::string> parse_move(const std::string& text, std::string* reason) const override;
  Legality apply(const std::string& move) override;
  Outcome outcome() const override { return outcome_; }
  std::string state() const override;
  std::unique_ptr<Game> clone() const override { return std::make_unique<MathQuizGame>(*this); }
  std::optional<CheckRequest> pending_check() const override;
  Legality resolve_check(const nlohmann::json& result) override;

  // Public state, for bots and tests.
  Phase phase() const { return phase_; }
  int target() const { return target_; }
  const std::string& question() const { return question_; }
  int teacher_failures() const { return teacher_failures_; }
  int student_failures() const { return student_failures_; }
  const MathQuizOptions& options() const { return options_; }

 private:
  int target_for(int question_index) const;
  std::string intro(int role) const override;
  std::string instruction(int role) const override;
  void finish(double teacher, double student, std::string reason);

  MathQuizOptions options_;
  std::uint64_t seed_;
  Phase phase_ = Phase::kQuestion;
  int questions_ = 0;  // questions asked so far (the current one included)
  int target_ = 0;
  std::string question_;
  std::string pending_answer_;
  int teacher_failures_ = 0;
  int student_failures_ = 0;
  nlohmann::json history_ = nlohmann::json::array();
  Outcome outcome_;
};

}  // namespace gauntlet::games
