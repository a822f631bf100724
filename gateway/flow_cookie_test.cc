// The flow cookie's Set-Cookie lines: named after the state, scoped to the callback path under
// the public URL's path, Secure only over https; the same answers however calls interleave.
#include "gateway/flow_cookie.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace linkgate::gateway {
namespace {

TEST(FlowCookie, ScopedToTheCallbackUnderThePublicPath) {
  const std::string name = "lg_flow_" + sha256Hex("st").substr(0, 16);
  EXPECT_EQ(flowCookieName("st"), name);
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(flowCookieSet("http://127.0.0.1:8080", "st", "v", 600),
              name + "=v; Path=/link/oauth2/callback; Max-Age=600; HttpOnly; SameSite=Lax");
    EXPECT_EQ(flowCookieSet("https://gw.example/base/", "st", "v", 60),
              name + "=v; Path=/base/link/oauth2/callback; Max-Age=60; HttpOnly; SameSite=Lax;"
                     " Secure");
    EXPECT_EQ(flowCookieClear("https://gw.example/base", "st"),
              name + "=; Path=/base/link/oauth2/callback; Max-Age=0; HttpOnly; SameSite=Lax");
    EXPECT_EQ(flowCookieClear("http://127.0.0.1:8080", "st"),
              name + "=; Path=/link/oauth2/callback; Max-Age=0; HttpOnly; SameSite=Lax");
  }
}

}  // namespace
}  // namespace linkgate::gateway
