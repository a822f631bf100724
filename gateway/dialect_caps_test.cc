// Issue 15 item 3: caps on what a provider's token answer may be (size, JSON depth, field
// lengths). A violation fails the answer as a value, never a crash or a stored monster token.
#include <gtest/gtest.h>

#include "gateway/dialect_engine.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::jsonResponse;

const TimePoint kNow{std::chrono::seconds(1'700'000'000)};

Dialect plain() {
  Json doc = {{"slug", "x"}, {"display_name", "X"}, {"sources", {"t"}},
              {"endpoints", {{"authorize", "https://x.test/auth"}, {"token", "https://x.test/token"}}},
              {"authorize", Json::object()},
              {"token", {{"response", {{"extra_fields", {{"team", "team.name"}}}}}}},
              {"refresh", Json::object()}, {"api", Json::object()}};
  auto d = parseDialect(doc, "x");
  EXPECT_TRUE(d) << (d ? "" : d.error().message);
  return *d;
}

HttpResponse raw(std::string body) {
  HttpResponse r;
  r.status = 200;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  return r;
}

void expectRefused(const HttpResponse& r, const std::string& words) {
  auto t = parseTokenResponse(plain(), r, kNow, {});
  ASSERT_FALSE(t.has_value()) << "accepted";
  EXPECT_EQ(t.error().id, "bad_provider_response");
  EXPECT_NE(t.error().message.find(words), std::string::npos) << t.error().message;
}

TEST(DialectCaps, AccessTokenAtTheCapIsAcceptedOneMoreByteIsNot) {
  const std::string at_cap(kMaxTokenBytes, 'a');
  auto ok = parseTokenResponse(plain(), jsonResponse(200, {{"access_token", at_cap}}), kNow, {});
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->access_token.size(), kMaxTokenBytes);
  expectRefused(jsonResponse(200, {{"access_token", at_cap + "a"}}), "access_token");
}

TEST(DialectCaps, LongRefreshTokenScopeOrExtraFieldIsRefused) {
  const std::string big(kMaxTokenBytes + 1, 'r');
  expectRefused(jsonResponse(200, {{"access_token", "t"}, {"refresh_token", big}}), "refresh_token");
  expectRefused(jsonResponse(200, {{"access_token", "t"}, {"scope", big}}), "scope");
  expectRefused(jsonResponse(200, {{"access_token", "t"}, {"team", {{"name", big}}}}), "team");
  expectRefused(jsonResponse(200, {{"access_token", "t"}, {"token_type", std::string(100, 'b')}}),
                "token_type");
}

TEST(DialectCaps, DeepJsonIsRefusedBeforeItIsParsed) {
  std::string deep = R"({"access_token":"t","x":)";
  for (size_t i = 0; i < 100000; ++i) deep += "[";
  for (size_t i = 0; i < 100000; ++i) deep += "]";
  deep += "}";
  expectRefused(raw(deep), "nested");
  // Depth at the cap is fine (brackets inside strings do not count).
  std::string ok = R"({"access_token":"t[[[[{{{{","x":)";
  for (size_t i = 1; i < kMaxJsonDepth; ++i) ok += "[";
  for (size_t i = 1; i < kMaxJsonDepth; ++i) ok += "]";
  ok += "}";
  auto t = parseTokenResponse(plain(), raw(ok), kNow, {});
  EXPECT_TRUE(t.has_value()) << t.error().message;
}

TEST(DialectCaps, HugeAnswerIsRefused) {
  std::string body = R"({"access_token":"t","pad":")" + std::string(kMaxAnswerBytes, 'p') + "\"}";
  expectRefused(raw(body), "bytes");
}

TEST(DialectCaps, HugeErrorAnswerIsRefusedToo) {
  HttpResponse r = raw(R"({"error":"invalid_grant","pad":")" + std::string(kMaxAnswerBytes, 'p') + "\"}");
  r.status = 400;
  expectRefused(r, "bytes");
}

}  // namespace
}  // namespace linkgate::gateway
