// invalid_utf8_at / to_valid_utf8: well-formed UTF-8 passes whole; overlong forms, surrogates, code
// points above U+10FFFF, stray continuation bytes and truncated sequences are found and replaced.
#include "engine/text/unicode.h"

#include <gtest/gtest.h>

#include <string>

namespace gauntlet::engine::unicode {
namespace {

TEST(Utf8Validity, FindsTheFirstMalformedByte) {
  EXPECT_EQ(invalid_utf8_at(""), std::string_view::npos);
  EXPECT_EQ(invalid_utf8_at("plain caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBD"), std::string_view::npos);
  EXPECT_EQ(invalid_utf8_at("ab\xFF"), 2u);
  EXPECT_EQ(invalid_utf8_at("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(invalid_utf8_at("x\xED\xA0\x80"), 1u);     // surrogate U+D800
  EXPECT_EQ(invalid_utf8_at("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(invalid_utf8_at("a\x80"), 1u);             // stray continuation byte
  EXPECT_EQ(invalid_utf8_at("\xE2\x82"), 0u);          // truncated at the end
}

TEST(Utf8Validity, ReplacesEachMalformedByte) {
  EXPECT_EQ(to_valid_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(to_valid_utf8("a\xFF" "b\xE2\x82"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(invalid_utf8_at(to_valid_utf8("\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80")), std::string_view::npos);
}

}  // namespace
}  // namespace gauntlet::engine::unicode
