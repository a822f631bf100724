// Provider text on its way to the integrator: capped, printable, secrets redacted.
#include "gateway/provider_text.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace linkgate::gateway {
namespace {

TEST(ProviderText, RedactsEverySecretInEveryEncoding) {
  FlowSecrets s;
  s.add("s3cr3t/value+x");
  s.add("the-code-1234");
  const std::string text =
      "bad client_secret=s3cr3t/value+x (s3cr3t%2Fvalue%2Bx, s3cr3t%2fvalue%2bx) code the-code-1234";
  const std::string out = sanitiseProviderText(text, s, 1000);
  EXPECT_EQ(out.find("s3cr3t"), std::string::npos) << out;
  EXPECT_EQ(out.find("the-code-1234"), std::string::npos) << out;
  EXPECT_NE(out.find("[redacted]"), std::string::npos);
  EXPECT_TRUE(out.starts_with("bad client_secret=[redacted]")) << out;
}

TEST(ProviderText, BasicCredentialsAreRedacted) {
  FlowSecrets s;
  s.addClient("my id", "p@ss word");
  // base64("my+id:p%40ss+word") and base64("my id:p@ss word")
  const std::string out =
      sanitiseProviderText("Basic bXkraWQ6cCU0MHNzK3dvcmQ= or bXkgaWQ6cEBzcyB3b3Jk", s);
  EXPECT_EQ(out, "Basic [redacted] or [redacted]");
}

TEST(ProviderText, PrintableAsciiOnlyAndCapped) {
  FlowSecrets none;
  EXPECT_EQ(sanitiseProviderText("a\r\nb\x01\xc3\xa9", none), "a??b???");
  const std::string long_text(500, 'x');
  const std::string out = sanitiseProviderText(long_text, none);
  EXPECT_EQ(out, std::string(kMaxProviderTextBytes, 'x') + "...");
}

TEST(ProviderText, ShortValuesAreNotSecrets) {
  FlowSecrets s;
  s.add("");
  s.add("abc");
  EXPECT_TRUE(s.all().empty());
  EXPECT_EQ(sanitiseProviderText("abc", s), "abc");
}

TEST(ProviderText, ASecretCutByTheCapIsRedactedFirst) {
  FlowSecrets s;
  s.add("0123456789abcdef");
  const std::string text = std::string(195, '.') + "0123456789abcdef";
  const std::string out = sanitiseProviderText(text, s);
  EXPECT_EQ(out.find("01234"), std::string::npos) << out;
}

// The secret is lower-case alphanumeric; the text around it has none of those bytes, so any
// occurrence in the output would be a leak (or lie inside the "[redacted]" marker itself).
RC_GTEST_PROP(ProviderTextProperty, NoSecretSurvivesAndOutputIsPrintable, ()) {
  const auto alnum = rc::gen::oneOf(rc::gen::inRange<char>('a', 'z' + 1), rc::gen::inRange<char>('0', '9' + 1));
  const auto secret = *rc::gen::container<std::string>(alnum);
  RC_PRE(secret.size() >= 4);
  const auto other = rc::gen::suchThat(rc::gen::arbitrary<char>(), [](char c) {
    return !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
  });
  const auto before = *rc::gen::container<std::string>(other);
  const auto after = *rc::gen::container<std::string>(other);
  FlowSecrets s;
  s.add(secret);
  const std::string out = sanitiseProviderText(before + secret + after + secret, s, 100000);
  RC_ASSERT(out.find(secret) == std::string::npos || kRedacted.find(secret) != std::string_view::npos);
  for (char c : out) RC_ASSERT(c >= 0x20 && c <= 0x7e);
}

}  // namespace
}  // namespace linkgate::gateway
