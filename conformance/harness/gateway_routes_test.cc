// Tests of the management adapter: Linkgate's routes pass unchanged, a mapping file rewrites
// them (placeholders and query kept), and a bad mapping is refused with the reason.
#include "conformance/harness/gateway_routes.h"

#include <gtest/gtest.h>

namespace linkgate::conformance {
namespace {

TEST(GatewayRoutesTest, LinkgateRoutesPassUnchanged) {
  const GatewayRoutes r = GatewayRoutes::linkgate();
  const Route route = r.map("DELETE", "/v1/oauth-apps/abc?x=1");
  EXPECT_EQ(route.method, "DELETE");
  EXPECT_EQ(route.path, "/v1/oauth-apps/abc?x=1");
  EXPECT_EQ(r.apiKeyHeader(), "Authorization");
}

TEST(GatewayRoutesTest, AMappingRewritesOperations) {
  auto r = GatewayRoutes::fromJson(R"({"api_key_header": "X-Api-Key", "routes": {
      "delete_app": "POST /api/apps/{id}/delete",
      "export_credentials": "GET /api/dump",
      "read_credential": "GET /api/conn/{id}"}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->apiKeyHeader(), "X-Api-Key");
  Route deleted = r->map("DELETE", "/v1/oauth-apps/a-1");
  EXPECT_EQ(deleted.method, "POST");
  EXPECT_EQ(deleted.path, "/api/apps/a-1/delete");
  // The literal route wins over /v1/credentials/{id}.
  EXPECT_EQ(r->map("GET", "/v1/credentials/export").path, "/api/dump");
  EXPECT_EQ(r->map("GET", "/v1/credentials/c-9?truncate_secrets=false").path,
            "/api/conn/c-9?truncate_secrets=false");
  // Operations the file does not name, and routes no operation has, stay as they are.
  EXPECT_EQ(r->map("GET", "/v1/redirect-uris").path, "/v1/redirect-uris");
  EXPECT_EQ(r->map("GET", "/healthz").path, "/healthz");
}

TEST(GatewayRoutesTest, BadMappingsAreRefused) {
  for (const char* bad : {"[]", R"({"routes": {"nope": "GET /x"}})",
                          R"({"routes": {"delete_app": "/api/apps/{id}"}})",
                          R"({"routes": {"delete_app": "DELETE /api/apps/{other}"}})",
                          R"({"routes": {"delete_app": 3}})", R"({"what": 1})",
                          R"({"api_key_header": ""})"}) {
    EXPECT_FALSE(GatewayRoutes::fromJson(bad)) << bad;
  }
  EXPECT_FALSE(GatewayRoutes::fromFlag("http-adapter:/nonexistent/mapping.json"));
  EXPECT_FALSE(GatewayRoutes::fromFlag("graphql"));
  EXPECT_TRUE(GatewayRoutes::fromFlag("linkgate"));
}

}  // namespace
}  // namespace linkgate::conformance
