// Code extraction for the code scorer: the last block in the language, else the last bare block,
// else the whole answer or nothing; an answer cut off inside its code block still gives the code.
#include "verifiers/code_extraction.h"

#include <gtest/gtest.h>

namespace gauntlet::verifiers {
namespace {

const std::vector<std::string> kPython = {"python", "py", "python3"};

TEST(CodeExtraction, TheLastBlockInTheLanguageWins) {
  const std::string answer =
      "First try:\n```python\ndef f():\n    return 1\n```\nBetter:\n```py\ndef f():\n    return 2\n```\n"
      "Output:\n```text\n2\n```\n";
  EXPECT_EQ(extract_code(answer, kPython, CodeFallback::kWholeAnswer), "def f():\n    return 2");
}

TEST(CodeExtraction, ABareBlockWhenNoneIsInTheLanguage) {
  const std::string answer = "```\nprint(1)\n```\n```bash\nls\n```\n";
  EXPECT_EQ(extract_code(answer, kPython, CodeFallback::kNone), "print(1)");
  EXPECT_EQ(extract_code("```Python\nx = 1\n```", kPython, CodeFallback::kNone), "x = 1");  // kinds match lower-cased
}

TEST(CodeExtraction, TheWholeAnswerOrNothingWithoutBlocks) {
  EXPECT_EQ(extract_code("\n\nprint(3)\n  \n", kPython, CodeFallback::kWholeAnswer), "print(3)");
  EXPECT_EQ(extract_code("print(3)", kPython, CodeFallback::kNone), std::nullopt);
  EXPECT_EQ(extract_code("```bash\nls\n```", kPython, CodeFallback::kNone), std::nullopt);
  EXPECT_EQ(extract_code("   \n", kPython, CodeFallback::kWholeAnswer), std::nullopt);
  EXPECT_EQ(extract_code("```python\n\n```", kPython, CodeFallback::kNone), std::nullopt);  // an empty block is no code
}

TEST(CodeExtraction, AnAnswerCutOffInsideItsBlockKeepsTheCode) {
  const std::string answer = "Sure.\n```python\n    indented = True\nprint(indented)\n";
  EXPECT_EQ(extract_code(answer, kPython, CodeFallback::kNone), "    indented = True\nprint(indented)");
  auto blocks = fenced_blocks(answer, true);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_FALSE(blocks[0].closed);
  EXPECT_TRUE(fenced_blocks(answer).empty());  // without keep_unterminated, as self-play reads answers
}

}  // namespace
}  // namespace gauntlet::verifiers
