// The strict catalogue loader: the real catalogue loads; every n_ case is rejected naming the
// field (fixtures/cases/catalogue/).
#include "gateway/catalogue.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

Json readJsonFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

TEST(Catalogue, RealCatalogueLoadsEveryProvider) {
  auto c = Catalogue::load(testing::sourceDir() + "/gateway/catalogue");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_GE(c->size(), 56u);
  for (const auto& [slug, d] : c->all()) {
    EXPECT_EQ(slug, d.slug);
    EXPECT_FALSE(d.sources.empty()) << slug;
    for (const auto& p : d.connection_params) EXPECT_TRUE(p.matches(p.example)) << slug;
  }
}

TEST(Catalogue, VerdictNamedCases) {
  const auto dir = std::filesystem::path(testing::sourceDir()) / "fixtures/cases/catalogue";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().stem().string();
    Json c = readJsonFile(entry.path());
    auto d = parseDialect(c["document"], "case");
    ++count;
    if (name.starts_with("y_")) {
      EXPECT_TRUE(d) << name << ": " << (d ? "" : d.error().message);
    } else {
      ASSERT_FALSE(d) << name << " was accepted";
      EXPECT_EQ(d.error().id, "bad_catalogue");
      EXPECT_NE(d.error().message.find(c["error_contains"].get<std::string>()), std::string::npos)
          << name << ": " << d.error().message;
    }
  }
  EXPECT_GE(count, 20);
}

TEST(Catalogue, DefaultsFollowTheSchema) {
  Dialect d = testing::acmeDialect();
  EXPECT_EQ(d.authorization.client_id_param, "client_id");
  EXPECT_EQ(d.authorization.response_type, "code");
  EXPECT_EQ(d.token_request.client_auth, ClientAuth::kPost);
  EXPECT_EQ(d.token_request.encoding, Encoding::kForm);
  EXPECT_TRUE(d.token_request.send_redirect_uri);
  EXPECT_FALSE(d.refresh_request.send_redirect_uri);
  EXPECT_EQ(d.refresh_request.grant_type, "refresh_token");
  EXPECT_EQ(d.refresh_request.token_param, "refresh_token");
  EXPECT_EQ(d.token_response.success_status, std::vector<int>{200});
  EXPECT_EQ(d.token_response.access_token, "access_token");
}

TEST(Catalogue, BadFileNamesTheFile) {
  testing::TempDir dir;
  std::ofstream(dir.path() / "broken.json") << R"({"slug": "broken"})";
  auto c = Catalogue::load(dir.path().string());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("broken.json"), std::string::npos);
  EXPECT_NE(c.error().message.find("display_name: is required"), std::string::npos);
  std::ofstream(dir.path() / "broken.json") << "{not json";
  EXPECT_FALSE(Catalogue::load(dir.path().string()));
  EXPECT_FALSE(Catalogue::load((dir.path() / "missing").string()));
}

}  // namespace
}  // namespace linkgate::gateway
