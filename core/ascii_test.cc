// core/ascii.h against the C library's tolower in the "C" locale, byte by byte.
#include "core/ascii.h"

#include <cctype>

#include <gtest/gtest.h>

namespace linkgate {
namespace {

TEST(Ascii, LowerIsCLocaleToLowerForEveryByte) {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    EXPECT_EQ(asciiLower(c), static_cast<char>(std::tolower(b))) << b;
  }
}

TEST(Ascii, EqualsIgnoreCaseOnlyFoldsAsciiLetters) {
  EXPECT_TRUE(equalsIgnoreCase("Set-Cookie", "set-cookie"));
  EXPECT_TRUE(equalsIgnoreCase("", ""));
  EXPECT_FALSE(equalsIgnoreCase("cookie", "cookies"));
  EXPECT_FALSE(equalsIgnoreCase("a[", "A{"));      // '[' + 32 is '{': not a letter pair
  EXPECT_FALSE(equalsIgnoreCase("\xC9", "\xE9"));  // Latin-1 É / é: not ASCII
  static_assert(equalsIgnoreCase("HOST", "host"));
  EXPECT_EQ(lowerAscii("Bearer ABC-xyz_\xC9"), "bearer abc-xyz_\xC9");
}

}  // namespace
}  // namespace linkgate
