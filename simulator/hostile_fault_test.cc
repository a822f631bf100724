// The hostile fault kinds of issue 15 (huge_body, deep_json, long_token, echo_secret), in
// process: what each answers, and that they are refused outside token/refresh.
#include <gtest/gtest.h>

#include "core/percent.h"
#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::GenericSim;

const std::string kCodeTail = "&redirect_uri=" + percentEncode(GenericSim::kRedirect);

void arm(GenericSim& s, const std::string& kind) {
  web::Response r = s.control("POST", "/_sim/faults",
                              Json{{"provider", "generic"}, {"endpoint", "token"}, {"kind", kind}});
  ASSERT_EQ(r.status, 201) << r.body;
}

TEST(HostileFaults, EachAnswersItsMonster) {
  GenericSim s;
  for (const char* k : {"huge_body", "deep_json", "long_token", "echo_secret"}) arm(s, k);
  const std::string clean = "grant_type=authorization_code&code=" + s.code() + kCodeTail;
  const std::string body = clean + "&extra=echo-me-please";
  web::Response huge = s.token(body);
  EXPECT_EQ(huge.status, 200);
  EXPECT_GT(huge.body.size(), size_t{3} << 20);
  web::Response deep = s.token(body);
  EXPECT_EQ(deep.status, 200);
  EXPECT_NE(deep.body.find(std::string(1000, '[')), std::string::npos);
  web::Response long_token = s.token(body);
  auto j = parseJson(long_token.body);
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ((*j)["access_token"].get<std::string>().size(), size_t{64} * 1024);
  web::Response echo = s.token(body);
  EXPECT_EQ(echo.status, 400);
  EXPECT_NE(echo.body.find("echo-me-please"), std::string::npos) << echo.body;
  EXPECT_EQ(s.token(clean).status, 200);  // the faults are used up; the code still works
}

TEST(HostileFaults, OnlyForTokenAndRefresh) {
  GenericSim s;
  for (const char* k : {"huge_body", "deep_json", "long_token", "echo_secret"}) {
    web::Response r = s.control("POST", "/_sim/faults",
                                Json{{"provider", "generic"}, {"endpoint", "authorize"}, {"kind", k}});
    EXPECT_EQ(r.status, 400) << k << ": " << r.body;
  }
}

}  // namespace
}  // namespace linkgate::sim
