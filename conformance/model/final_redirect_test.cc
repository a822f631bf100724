// Tests of the suite's SPEC §1.3 model: how the redirect to D is split and judged.
#include "conformance/model/final_redirect.h"

#include <gtest/gtest.h>

namespace linkgate::conformance::model {
namespace {

const std::string kIss = "http://127.0.0.1:8080";

TEST(FinalRedirectModelTest, SplitsAfterDestinationWithoutQuery) {
  const auto r = splitFinalRedirect("https://app/cb?code=abc&state=a%2Bb+c&iss=x", "https://app/cb");
  ASSERT_TRUE(r.params) << r.problem;
  EXPECT_EQ(r.params->get("code"), "abc");
  EXPECT_EQ(r.params->get("state"), "a+b c");
  EXPECT_EQ(r.params->get("iss"), "x");
  EXPECT_EQ(r.params->get("error"), std::nullopt);
}

// "Existing query parameters of the redirect URI are kept"
TEST(FinalRedirectModelTest, KeepsExistingQueryByteForByte) {
  EXPECT_TRUE(splitFinalRedirect("https://app/cb?a=%7e&code=1", "https://app/cb?a=%7e").params);
  EXPECT_FALSE(splitFinalRedirect("https://app/cb?a=~&code=1", "https://app/cb?a=%7e").params);
  EXPECT_FALSE(splitFinalRedirect("https://app/cb?code=1&a=%7e", "https://app/cb?a=%7e").params);
  EXPECT_FALSE(splitFinalRedirect("https://app/cb?a=%7ecode=1", "https://app/cb?a=%7e").params);
  EXPECT_TRUE(splitFinalRedirect("https://app/cb?code=1", "https://app/cb?").params);
  EXPECT_TRUE(splitFinalRedirect("https://app/cb?&code=1", "https://app/cb?").params);
  EXPECT_TRUE(splitFinalRedirect("https://app/cb?a=1&code=1", "https://app/cb?a=1&").params);
}

TEST(FinalRedirectModelTest, RejectsOtherDestinationsAndExtras) {
  EXPECT_FALSE(splitFinalRedirect("https://app/cb/?code=1", "https://app/cb").params);
  EXPECT_FALSE(splitFinalRedirect("https://evil/cb?code=1", "https://app/cb").params);
  EXPECT_FALSE(splitFinalRedirect("https://app/cb", "https://app/cb").params);
  EXPECT_FALSE(splitFinalRedirect("https://app/cb?code=1&debug=1", "https://app/cb").params);
  EXPECT_FALSE(splitFinalRedirect("https://app/cb?code=1&code=2", "https://app/cb").params);
  EXPECT_FALSE(splitFinalRedirect("https://app/cb?code=1#f", "https://app/cb").params);
  EXPECT_FALSE(splitFinalRedirect("https://app/cb?state=%zz", "https://app/cb").params);
  EXPECT_FALSE(splitFinalRedirect("https://app/cb?code", "https://app/cb").params);
}

TEST(FinalRedirectModelTest, JudgesSuccess) {
  AppendedParams p{{{"code", "c"}, {"state", ""}, {"iss", kIss}}};
  EXPECT_EQ(finalRedirectProblem(p, {std::nullopt, "", kIss}), "");
  // "`state` is present iff the integrator sent one (an empty `state` comes back empty)"
  EXPECT_NE(finalRedirectProblem(p, {std::nullopt, std::nullopt, kIss}), "");
  EXPECT_NE(finalRedirectProblem(p, {std::nullopt, "x", kIss}), "");
  AppendedParams no_state{{{"code", "c"}, {"iss", kIss}}};
  EXPECT_EQ(finalRedirectProblem(no_state, {std::nullopt, std::nullopt, kIss}), "");
  EXPECT_NE(finalRedirectProblem(no_state, {std::nullopt, "", kIss}), "");
  // "`iss` (RFC 9207) = the gateway's public URL"
  AppendedParams no_iss{{{"code", "c"}}};
  EXPECT_NE(finalRedirectProblem(no_iss, {std::nullopt, std::nullopt, kIss}), "");
  AppendedParams wrong_iss{{{"code", "c"}, {"iss", kIss + "/"}}};
  EXPECT_NE(finalRedirectProblem(wrong_iss, {std::nullopt, std::nullopt, kIss}), "");
  AppendedParams empty_code{{{"code", ""}, {"iss", kIss}}};
  EXPECT_NE(finalRedirectProblem(empty_code, {std::nullopt, std::nullopt, kIss}), "");
}

TEST(FinalRedirectModelTest, JudgesErrors) {
  AppendedParams denied{
      {{"error", "access_denied"}, {"error_description", "d"}, {"state", "s"}, {"iss", kIss}}};
  EXPECT_EQ(finalRedirectProblem(denied, {"access_denied", "s", kIss}), "");
  EXPECT_NE(finalRedirectProblem(denied, {"server_error", "s", kIss}), "");
  EXPECT_NE(finalRedirectProblem(denied, {std::nullopt, "s", kIss}), "");
  AppendedParams bare{{{"error", "access_denied"}, {"state", "s"}, {"iss", kIss}}};
  EXPECT_NE(finalRedirectProblem(bare, {"access_denied", "s", kIss}), "");
}

TEST(FinalRedirectModelTest, MapsProviderErrors) {
  EXPECT_EQ(integratorErrorFor("access_denied"), "access_denied");
  EXPECT_EQ(integratorErrorFor("invalid_scope"), "invalid_scope");
  EXPECT_EQ(integratorErrorFor("temporarily_unavailable"), "temporarily_unavailable");
  EXPECT_EQ(integratorErrorFor("user_cancelled_login"), "server_error");
  EXPECT_EQ(integratorErrorFor("ACCESS_DENIED"), "server_error");
  EXPECT_EQ(integratorErrorFor(""), "server_error");
  EXPECT_EQ(integratorErrorFor("invalid_grant"), "server_error");  // a token error, not §4.1.2.1
}

TEST(FinalRedirectModelTest, FreshSecrets) {
  EXPECT_TRUE(looksLikeFreshSecret("abcdefghijklmnopqrstuv"));
  EXPECT_TRUE(looksLikeFreshSecret("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(looksLikeFreshSecret("abcdefghijklmnopqrstu"));
  EXPECT_FALSE(looksLikeFreshSecret("abcdefghijklmnopqrstu+v"));
  EXPECT_FALSE(looksLikeFreshSecret("abcdefghijklmnopqrstuv="));
}

}  // namespace
}  // namespace linkgate::conformance::model
