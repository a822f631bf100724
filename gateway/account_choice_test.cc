// Issue 13: several accounts behind one login. Xero's tenant of *this* authorisation (the access
// token's authentication_event_id claim), DocuSign's is_default account, Atlassian's sites
// listed; the choice shown as the credential's provider_account.
#include <gtest/gtest.h>

#include "core/base64.h"
#include "gateway/catalogue.h"
#include "gateway/dialect_engine.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

Dialect shipped(const std::string& slug) {
  auto d = parseDialect(testing::shippedCatalogueJson(slug), slug);
  EXPECT_TRUE(d) << d.error().message;
  return d ? *d : Dialect{};
}

HttpResponse answer(const Json& body) {
  HttpResponse r;
  r.status = 200;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = dumpJson(body);
  return r;
}

std::string jwtWith(const Json& claims) {
  return base64UrlEncode(R"({"alg":"RS256","kid":"k1"})") + "." + base64UrlEncode(dumpJson(claims)) +
         ".c2lnbmF0dXJl";
}

const Json kConnections = Json::array(
    {{{"id", "c-old"}, {"authEventId", "ev-old"}, {"tenantId", "t-old"},
      {"tenantType", "ORGANISATION"}, {"tenantName", "Old Co"}},
     {{"id", "c-new"}, {"authEventId", "ev-new"}, {"tenantId", "t-new"},
      {"tenantType", "ORGANISATION"}, {"tenantName", "New Co"}}});

TEST(AccountChoice, XeroKeepsTheTenantOfThisAuthorisationNotTheFirst) {
  const Dialect xero = shipped("xero");
  ASSERT_EQ(xero.discovery.size(), 1u);
  const std::string token = jwtWith({{"authentication_event_id", "ev-new"}, {"xero_userid", "u"}});
  EXPECT_EQ(unverifiedJwtClaim(token, "authentication_event_id"), "ev-new");
  auto fields = discoveryFields(xero.discovery[0], answer(kConnections), token);
  ASSERT_TRUE(fields) << fields.error().message;
  EXPECT_EQ((*fields)["xero_tenant_id"], "t-new");
  EXPECT_EQ((*fields)["xero_tenant_name"], "New Co");
  EXPECT_EQ((*fields)["xero_tenant_ids"], Json::array({"t-old", "t-new"}));
  auto chosen = accountChoiceProperty(xero.account, *fields);
  ASSERT_TRUE(chosen);
  EXPECT_EQ((*chosen)["id"], "t-new");
  EXPECT_EQ((*chosen)["name"], "New Co");
  EXPECT_EQ((*chosen)["choices"], Json::array({"t-old", "t-new"}));
  EXPECT_NE((*chosen)["rule"].get<std::string>().find("authEventId"), std::string::npos);
  // The first authorisation's token picks the first tenant.
  auto old = discoveryFields(xero.discovery[0], answer(kConnections),
                             jwtWith({{"authentication_event_id", "ev-old"}}));
  ASSERT_TRUE(old);
  EXPECT_EQ((*old)["xero_tenant_id"], "t-old");
}

TEST(AccountChoice, XeroRefusesWhatItCannotChooseFrom) {
  const Dialect xero = shipped("xero");
  // An opaque token, a JWT without the claim, an event no connection has: each refused, named.
  auto opaque = discoveryFields(xero.discovery[0], answer(kConnections), "opaque-token");
  ASSERT_FALSE(opaque);
  EXPECT_NE(opaque.error().message.find("authentication_event_id"), std::string::npos);
  EXPECT_FALSE(discoveryFields(xero.discovery[0], answer(kConnections), jwtWith({{"sub", "x"}})));
  auto none = discoveryFields(xero.discovery[0], answer(kConnections),
                              jwtWith({{"authentication_event_id", "ev-other"}}));
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("tenantId"), std::string::npos);
  EXPECT_FALSE(unverifiedJwtClaim("a.%%%.c", "x"));
  EXPECT_FALSE(unverifiedJwtClaim("", "x"));
}

TEST(AccountChoice, DocusignDefaultAndAtlassianSitesAreShown) {
  const Dialect docusign = shipped("docusign");
  const Json userinfo{{"sub", "u1"},
                      {"accounts", Json::array({{{"account_id", "a-other"}, {"is_default", false},
                                                 {"account_name", "Sandbox"}, {"base_uri", "b"}},
                                                {{"account_id", "a-default"}, {"is_default", true},
                                                 {"account_name", "Main"}, {"base_uri", "b2"}}})}};
  auto fields = discoveryFields(docusign.discovery[0], answer(userinfo));
  ASSERT_TRUE(fields) << fields.error().message;
  auto chosen = accountChoiceProperty(docusign.account, *fields);
  ASSERT_TRUE(chosen);
  EXPECT_EQ((*chosen)["id"], "a-default");
  EXPECT_EQ((*chosen)["name"], "Main");
  EXPECT_EQ((*chosen)["choices"], Json::array({"a-other", "a-default"}));

  const Dialect atlassian = shipped("atlassian");
  const Json sites = Json::array({{{"id", "cloud-1"}, {"url", "https://a.atlassian.net"}, {"name", "A"}},
                                  {{"id", "cloud-2"}, {"url", "https://b.atlassian.net"}, {"name", "B"}}});
  auto site_fields = discoveryFields(atlassian.discovery[0], answer(sites));
  ASSERT_TRUE(site_fields) << site_fields.error().message;
  EXPECT_EQ((*site_fields)["cloud_id"], "cloud-1");
  EXPECT_EQ((*site_fields)["atlassian_site_ids"], Json::array({"cloud-1", "cloud-2"}));
  auto site = accountChoiceProperty(atlassian.account, *site_fields);
  ASSERT_TRUE(site);
  EXPECT_EQ((*site)["name"], "A");
  EXPECT_EQ(accountChoiceProperty(atlassian.account, Json::object()), std::nullopt);
}

TEST(AccountChoice, TheChoiceBlockIsChecked) {
  const Json doc = testing::shippedCatalogueJson("xero");
  auto refused = [&](const char* key, Json value) {
    Json d = doc;
    d["account"]["choice"][key] = std::move(value);
    auto r = parseDialect(d, "xero");
    ASSERT_FALSE(r) << key;
    EXPECT_NE(r.error().message.find(std::string("account.choice.") + key), std::string::npos)
        << r.error().message;
  };
  refused("id", "not_a_field");
  refused("name", 3);
  refused("rule", "");
  refused("pick", "first");
}

}  // namespace
}  // namespace linkgate::gateway
