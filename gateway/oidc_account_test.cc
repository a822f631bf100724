// The account of a `from: oidc` dialect (SPEC §9, docs/VOCABULARY.md `account.otherwise`): iss +
// sub of the id_token, and without one the field the provider documents as equal to `sub`, so
// a link with and one without openid name the same account. LINE's HS256 catalogue entry.
#include <gtest/gtest.h>

#include "gateway/catalogue.h"
#include "gateway/oidc_flow.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

Json shippedJson(const std::string& slug) { return testing::shippedCatalogueJson(slug); }

Dialect shipped(const std::string& slug) {
  auto d = parseDialect(shippedJson(slug), slug);
  EXPECT_TRUE(d) << slug << ": " << d.error().message;
  return d ? *d : Dialect{};
}

TEST(OidcAccount, LineIsHs256AndNamesOneAccountWithAndWithoutOpenid) {
  const Dialect line = shipped("line");
  ASSERT_TRUE(line.oidc);
  EXPECT_EQ(line.oidc->signing_alg, "HS256");
  EXPECT_FALSE(line.oidc->jwks_uri);
  EXPECT_EQ(line.account.from, AccountFrom::kOidc);
  EXPECT_EQ(line.account.subject_from, AccountFrom::kResource);
  EXPECT_EQ(line.account.subject_field, "line_user_id");
  const Json props{{"line_user_id", "U4af4980629"}, {"access_token", "at"}};
  auto issuer = realIssuer(line, {}, "");
  ASSERT_TRUE(issuer) << issuer.error().message;
  EXPECT_EQ(*issuer, "https://access.line.me");
  // The id_token path names "<real issuer> <sub>" (oidc_flow.cc); this is the same string.
  EXPECT_EQ(subjectWithoutIdToken(line, {}, props), "https://access.line.me U4af4980629");
  EXPECT_EQ(subjectWithoutIdToken(line, {}, Json{{"line_user_id", ""}}), std::nullopt);
  EXPECT_EQ(subjectWithoutIdToken(line, {}, Json::object()), std::nullopt);
}

TEST(OidcAccount, ShippedOtherwiseFieldsAreFilledByTheirSource) {
  for (const char* slug : {"line", "twitch", "dropbox", "zoho"}) {
    const Dialect d = shipped(slug);
    EXPECT_EQ(d.account.from, AccountFrom::kOidc) << slug;
    EXPECT_FALSE(d.account.subject_field.empty()) << slug;
  }
  // A dialect without `otherwise` names no account when no id_token came.
  const Dialect google = shipped("google");
  EXPECT_EQ(subjectWithoutIdToken(google, {}, Json{{"sub", "1"}}), std::nullopt);
}

TEST(OidcAccount, TheOtherwiseBlockIsChecked) {
  auto refusal = [](Json account) {
    Json doc = shippedJson("line");
    doc["account"] = std::move(account);
    auto d = parseDialect(doc, "line");
    return d ? std::string("(accepted)") : d.error().message;
  };
  const Json ok{{"from", "resource"}, {"field", "line_user_id"}};
  EXPECT_EQ(refusal(Json{{"from", "oidc"}, {"otherwise", ok}}), "(accepted)");
  EXPECT_NE(refusal(Json{{"from", "oidc"}, {"otherwise", {{"from", "oidc"}, {"field", "x"}}}})
                .find("account.otherwise.from"), std::string::npos);
  EXPECT_NE(refusal(Json{{"from", "oidc"}, {"otherwise", {{"from", "resource"}, {"field", "nope"}}}})
                .find("account.otherwise.field"), std::string::npos);
  EXPECT_NE(refusal(Json{{"from", "oidc"}, {"otherwise", {{"from", "token"}, {"field", "line_user_id"}}}})
                .find("account.otherwise.field"), std::string::npos);
  EXPECT_NE(refusal(Json{{"from", "oidc"}, {"otherwise", {{"from", "resource"}}}})
                .find("account.otherwise.field"), std::string::npos);
  EXPECT_NE(refusal(Json{{"from", "oidc"}, {"otherwise", ok}, {"extra", 1}})
                .find("account.extra: unknown field"), std::string::npos);
  Json with_extra = ok;
  with_extra["fields"] = Json::array({"line_user_id"});
  EXPECT_NE(refusal(Json{{"from", "oidc"}, {"otherwise", with_extra}})
                .find("account.otherwise.fields: unknown field"), std::string::npos);
  EXPECT_NE(refusal(Json{{"from", "resource"}, {"fields", {"line_user_id"}}, {"otherwise", ok}})
                .find("account.otherwise: only with from: oidc"), std::string::npos);
  EXPECT_NE(refusal(Json{{"from", "oidc"}, {"otherwise", "line_user_id"}})
                .find("account.otherwise: must be an object"), std::string::npos);
  // Microsoft `common`: the issuer is the id_token's tid, unknown without an id_token.
  Json ms = testing::shippedCatalogueJson("microsoft");
  ASSERT_TRUE(ms.contains("oidc") && ms["oidc"].contains("tenant_issuer"));
  ms["account"] = Json{{"from", "oidc"}, {"otherwise", {{"from", "resource"}, {"field", "x"}}}};
  auto d = parseDialect(ms, "microsoft");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("account.otherwise: not with oidc.tenant_issuer"),
            std::string::npos) << d.error().message;
}

}  // namespace
}  // namespace linkgate::gateway
