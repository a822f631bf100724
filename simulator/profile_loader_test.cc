// The strict profile loader: verdict-named cases (fixtures/cases/profiles/{y,n}_*/), defaults,
// every field of the schema, and every provider profile of fixtures/providers.
#include "simulator/profile_loader.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

namespace fs = std::filesystem;
using testing::fixturesDir;

std::vector<fs::path> caseDirs(const std::string& prefix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fixturesDir() / "cases" / "profiles")) {
    if (e.is_directory() && e.path().filename().string().starts_with(prefix)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

TEST(ProfileLoaderCases, EveryNegativeCaseIsRejectedWithFileFieldAndReason) {
  auto dirs = caseDirs("n_");
  ASSERT_GE(dirs.size(), 30u);
  for (const auto& dir : dirs) {
    SCOPED_TRACE(dir.filename().string());
    auto loaded = loadProfileDir(dir);
    ASSERT_FALSE(loaded) << "accepted a bad profile";
    EXPECT_EQ(loaded.error().id, "bad_profile");
    std::string expect = readFile(dir / "expect.txt");
    ASSERT_FALSE(expect.empty()) << "case without expect.txt";
    EXPECT_TRUE(loaded.error().message.starts_with(expect))
        << "got:      " << loaded.error().message << "\nexpected: " << expect;
  }
}

TEST(ProfileLoaderCases, EveryPositiveCaseLoads) {
  auto dirs = caseDirs("y_");
  ASSERT_GE(dirs.size(), 3u);
  for (const auto& dir : dirs) {
    auto loaded = loadProfileDir(dir);
    EXPECT_TRUE(loaded) << dir.filename() << ": " << loaded.error().message;
  }
}

TEST(ProfileLoader, MinimalProfileGetsTheSchemaDefaults) {
  auto loaded = loadProfileDir(fixturesDir() / "cases" / "profiles" / "y_minimal");
  ASSERT_TRUE(loaded) << loaded.error().message;
  const Profile& p = loaded->front();
  EXPECT_EQ(p.authorize.client_id_param, "client_id");
  EXPECT_EQ(p.authorize.response_type, "code");
  EXPECT_FALSE(p.authorize.redirect_uri_optional);
  EXPECT_EQ(p.authorize.scope_separator, ScopeSeparator::kSpace);
  EXPECT_EQ(p.authorize.pkce, PkceMode::kSupported);
  EXPECT_EQ(p.authorize.code_param, "code");
  EXPECT_FALSE(p.authorize.send_iss);
  EXPECT_EQ(p.token.client_auth, (std::vector{ClientAuth::kPost, ClientAuth::kBasic}));
  EXPECT_EQ(p.token.encoding, std::vector{Encoding::kForm});
  EXPECT_EQ(p.token.methods, std::vector<std::string>{"POST"});
  EXPECT_FALSE(p.token.redirect_uri_required);
  EXPECT_EQ(p.token.code_ttl_seconds, 600);
  EXPECT_EQ(p.token.access_token_ttl_seconds, 3600);
  EXPECT_EQ(p.token.expires_in, ExpiresIn::kNumber);
  EXPECT_EQ(p.token.response.format, ResponseFormat::kJson);
  EXPECT_EQ(p.token.response.body["access_token"], "{access_token}");
  EXPECT_EQ(p.token.errors.style, ErrorStyle::kRfc);
  EXPECT_EQ(p.token.errors.status, 400);
  EXPECT_EQ(p.token.errors.invalid_client_status, 401);
  EXPECT_EQ(p.refresh.issued.kind, IssueKind::kAlways);
  EXPECT_EQ(p.refresh.rotation, Rotation::kNone);
  EXPECT_EQ(p.refresh.grant_type, "refresh_token");
  EXPECT_EQ(p.refresh.token_param, "refresh_token");
  EXPECT_EQ(p.refresh.client_auth, p.token.client_auth);  // "as token"
  EXPECT_EQ(p.api.token_in, TokenIn::kBearer);
  EXPECT_EQ(p.api.me, (Json{{"id", "{user.id}"}, {"login", "{user.login}"}}));
  EXPECT_EQ(p.api.error_status, 401);
  EXPECT_EQ(p.api.error_body, (Json{{"error", "invalid_token"}}));
  EXPECT_TRUE(p.api.resources.empty());
}

TEST(ProfileLoader, FullProfileReadsEveryField) {
  auto loaded = loadProfileDir(fixturesDir() / "cases" / "profiles" / "y_full");
  ASSERT_TRUE(loaded) << loaded.error().message;
  const Profile& p = loaded->front();
  EXPECT_EQ(p.params.at("tenant").example, "demo");
  EXPECT_EQ(p.endpoints.refresh, "https://{tenant}.acme.example/oauth/refresh");
  EXPECT_EQ(p.authorize.client_id_param, "app_key");
  EXPECT_TRUE(p.authorize.redirect_uri_optional);
  EXPECT_EQ(p.authorize.scope_separator, ScopeSeparator::kComma);
  EXPECT_EQ(p.authorize.pkce, PkceMode::kRequired);
  EXPECT_EQ(p.authorize.extra_params.at("owner"), "user");
  EXPECT_EQ(p.authorize.code_param, "auth_code");
  EXPECT_EQ(p.authorize.issuer, "https://acme.example");
  EXPECT_EQ(p.authorize.callback_extras["realmId"], "{user.realm}");
  EXPECT_EQ(p.token.client_auth, std::vector{ClientAuth::kBasic});
  EXPECT_EQ(p.token.encoding, (std::vector{Encoding::kForm, Encoding::kJson}));
  EXPECT_TRUE(p.token.redirect_uri_required);
  EXPECT_EQ(p.token.code_ttl_seconds, 30);
  EXPECT_EQ(p.token.access_token_prefix, "ac_");
  EXPECT_EQ(p.token.expires_in, ExpiresIn::kString);
  EXPECT_EQ(p.token.errors.style, ErrorStyle::kHttp200);
  EXPECT_EQ(p.token.errors.codes.at("invalid_grant"), "bad_code");
  EXPECT_EQ(p.refresh.issued.kind, IssueKind::kScope);
  EXPECT_EQ(p.refresh.issued.scope, "offline");
  EXPECT_EQ(p.refresh.rotation, Rotation::kGrace);
  EXPECT_EQ(p.refresh.grace_seconds, 60);
  EXPECT_EQ(p.refresh.ttl_seconds, 86400);
  EXPECT_EQ(p.refresh.extra_params.at("scope"), "*");
  EXPECT_EQ(p.refresh.client_auth, std::vector{ClientAuth::kPost});
  EXPECT_EQ(p.refresh.response.format, ResponseFormat::kForm);
  EXPECT_EQ(p.refresh.errors.style, ErrorStyle::kProvider);
  EXPECT_EQ(p.refresh.errors.status, 403);
  EXPECT_EQ(p.api.token_in, TokenIn::kHeader);
  EXPECT_EQ(p.api.name, "X-Acme-Token");
  EXPECT_EQ(p.api.error_status, 403);
  ASSERT_EQ(p.api.resources.size(), 2u);
  const ResourceSpec& info = p.api.resources[0];
  EXPECT_EQ(info.url, "https://{tenant}.acme.example/oauth/token-info/{access_token}");
  EXPECT_EQ(info.token_in, ResourceTokenIn::kPath);
  EXPECT_EQ(info.key, "realm");
  EXPECT_EQ(info.body["token"], "{access_token}");
  const ResourceSpec& meta = p.api.resources[1];
  EXPECT_EQ(meta.token_in, ResourceTokenIn::kHeader);
  EXPECT_EQ(meta.name, "Authorization");
  EXPECT_EQ(meta.prefix, "OAuth ");
  EXPECT_EQ(meta.key, "0.dc");
  EXPECT_EQ(p.users.size(), 2u);
  EXPECT_EQ(p.assumed, (std::vector<std::string>{"refresh.rotation", "token.errors"}));
}

TEST(ProfileLoader, RefreshDefaultsFollowTheTokenSection) {
  Json doc = testing::genericProfileJson();
  doc["token"]["client_auth"] = Json::array({"client_secret_post"});
  doc["token"]["encoding"] = Json::array({"json"});
  auto p = parseProfile(doc, "generic.json");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->refresh.client_auth, std::vector{ClientAuth::kPost});
  EXPECT_EQ(p->refresh.encoding, std::vector{Encoding::kJson});
  EXPECT_EQ(p->refresh.response.body, p->token.response.body);
}

TEST(ProfileLoader, ResourcesDefaultToBearerAndKeysIndexArrays) {
  auto loaded = loadProfileDir(fixturesDir() / "cases" / "profiles" / "y_resources");
  ASSERT_TRUE(loaded) << loaded.error().message;
  const auto& r = loaded->front().api.resources;
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].token_in, ResourceTokenIn::kBearer);  // the default
  EXPECT_TRUE(r[0].name.empty());
  EXPECT_EQ(r[0].key, "0.tenantId");
  EXPECT_EQ(r[1].prefix, "OAuth ");
  EXPECT_EQ(r[2].token_in, ResourceTokenIn::kPath);
  // A header resource may omit the prefix: the header is then the bare token.
  Json doc = testing::genericProfileJson();
  doc["api"]["resources"] = Json::array({Json{{"url", "https://generic.example/whoami"},
                                              {"token_in", "header"},
                                              {"name", "X-Token"},
                                              {"body", Json{{"id", "{user.id}"}}},
                                              {"key", "id"}}});
  auto p = parseProfile(doc, "generic.json");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->api.resources.front().prefix, "");
  // {access_token} is a resource's placeholder only: api.me may not use it.
  doc["api"]["me"] = Json{{"token", "{access_token}"}};
  auto me = parseProfile(doc, "generic.json");
  ASSERT_FALSE(me);
  EXPECT_EQ(me.error().message,
            "generic.json: api.me.token: placeholder {access_token} is not allowed here");
}

TEST(ProfileLoader, MessageNamesFileFieldAndReason) {
  Json doc = testing::genericProfileJson();
  doc["token"]["expires_in"] = "sometimes";
  auto p = parseProfile(doc, "generic.json");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message,
            "generic.json: token.expires_in: unknown value \"sometimes\" (allowed: number, string, "
            "absent, zero)");
}

TEST(ProfileLoader, DirectoryErrors) {
  EXPECT_FALSE(loadProfileDir(fixturesDir() / "no-such-dir"));
  auto empty = fs::temp_directory_path() / "linkgate-sim-empty-profiles";
  fs::create_directories(empty);
  auto loaded = loadProfileDir(empty);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("no *.json"), std::string::npos);
}

TEST(ProviderProfiles, EveryFileLoadsSortedBySlug) {
  auto loaded = loadProfileDir(fixturesDir() / "providers");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->size(), testing::providerFileCount());
  EXPECT_GE(loaded->size(), 126u) << "issue 16: the breadth (125 providers plus generic)";
  std::vector<std::string> slugs;
  for (const auto& p : *loaded) slugs.push_back(p.slug);
  EXPECT_TRUE(std::is_sorted(slugs.begin(), slugs.end()));
  for (const char* required : {"generic", "github", "google", "slack", "sentry", "zoho"}) {
    EXPECT_NE(std::find(slugs.begin(), slugs.end(), required), slugs.end()) << required;
  }
  for (const auto& p : *loaded) {
    EXPECT_FALSE(p.sources.empty()) << p.slug << ": every profile cites its sources";
  }
}

}  // namespace
}  // namespace linkgate::sim
