// --coverage: derived from the loaded profiles.
#include "simulator/coverage.h"

#include <gtest/gtest.h>

#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

const CoverageValue* find(const CoverageReport& r, const std::string& id, const std::string& value) {
  for (const auto& row : r.rows) {
    if (row.id != id) continue;
    for (const auto& v : row.values) {
      if (v.value == value) return &v;
    }
  }
  return nullptr;
}

TEST(Coverage, DerivedFromTheProfilesNotHardCoded) {
  Profile generic = testing::providerProfile("generic");
  CoverageReport one = computeCoverage({generic});
  EXPECT_EQ(find(one, "D1", "fixed")->slugs, std::vector<std::string>{"generic"});
  EXPECT_TRUE(find(one, "D1", "tenant")->slugs.empty());
  EXPECT_EQ(find(one, "D2", "client_secret_basic")->slugs, std::vector<std::string>{"generic"});
  EXPECT_EQ(find(one, "D9", "strict")->slugs, std::vector<std::string>{"generic"});
  EXPECT_FALSE(one.missing.empty());  // one profile cannot cover everything
  bool names_query = false;
  for (const auto& m : one.missing) names_query |= m == "D2 client auth: client_secret_query";
  EXPECT_TRUE(names_query);

  Profile zendesk = testing::providerProfile("zendesk");
  CoverageReport two = computeCoverage({generic, zendesk});
  EXPECT_EQ(find(two, "D1", "tenant")->slugs, std::vector<std::string>{"zendesk"});
  EXPECT_LT(two.missing.size(), one.missing.size());
}

TEST(Coverage, ClassifiesDialects) {
  auto dims = [](const std::string& slug) { return profileDimensions(testing::providerProfile(slug)); };
  auto values = [](const auto& d, const std::string& id) {
    for (const auto& [k, v] : d) {
      if (k == id) return v;
    }
    return std::vector<std::string>{};
  };
  auto slack = values(dims("slack"), "D4");
  EXPECT_NE(std::find(slack.begin(), slack.end(), "nested"), slack.end());
  EXPECT_EQ(values(dims("gusto"), "D1"), std::vector<std::string>{"env"});
  EXPECT_EQ(values(dims("github"), "D4").front(), "form");
  EXPECT_EQ(values(dims("figma"), "D13"), std::vector<std::string>{"separate"});
  EXPECT_EQ(values(dims("facebook"), "D16c"), std::vector<std::string>{"query"});
  EXPECT_EQ(values(dims("zoho"), "D1"), std::vector<std::string>{"region"});
}

TEST(Coverage, TableListsEveryDimensionAndProfile) {
  auto profiles = testing::providerProfiles();
  CoverageReport r = computeCoverage(profiles);
  std::string table = formatCoverage(r);
  for (const char* id : {"D1 ", "D2 ", "D3 ", "D4 ", "D5 ", "D6 ", "D7 ", "D8 ", "D9 ", "D10 ",
                         "D12 ", "D13 ", "D15 ", "D16a", "D16b", "D16c", "D17 "}) {
    EXPECT_NE(table.find(id), std::string::npos) << id;
  }
  for (const auto& p : profiles) {
    EXPECT_NE(table.find(" " + p.slug), std::string::npos) << p.slug;
  }
  for (const auto& m : r.missing) EXPECT_NE(table.find("MISSING " + m), std::string::npos);
}

}  // namespace
}  // namespace linkgate::sim
