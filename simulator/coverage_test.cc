// --coverage: derived from the loaded profiles.
#include "simulator/coverage.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

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
  EXPECT_EQ(values(dims("xero"), "D11"), std::vector<std::string>{"bearer"});
  EXPECT_EQ(values(dims("mailchimp"), "D11"), std::vector<std::string>{"header"});
  EXPECT_EQ(values(dims("hubspot"), "D11"), std::vector<std::string>{"path"});
  EXPECT_EQ(values(dims("generic"), "D11"), std::vector<std::string>{"none"});
}

TEST(Coverage, TableListsEveryDimensionAndProfile) {
  auto profiles = testing::providerProfiles();
  CoverageReport r = computeCoverage(profiles);
  std::string table = formatCoverage(r);
  for (const char* id : {"D1 ", "D2 ", "D3 ", "D4 ", "D5 ", "D6 ", "D7 ", "D8 ", "D9 ", "D10 ",
                         "D11 ", "D12 ", "D13 ", "D15 ", "D16a", "D16b", "D16c", "D17 "}) {
    EXPECT_NE(table.find(id), std::string::npos) << id;
  }
  for (const auto& p : profiles) {
    EXPECT_NE(table.find(" " + p.slug), std::string::npos) << p.slug;
  }
  for (const auto& m : r.missing) EXPECT_NE(table.find("MISSING " + m), std::string::npos);
}

TEST(Coverage, BehaviourSwitchCoversOnlyWhatNoProfileDoes) {
  CoverageReport one = computeCoverage({testing::providerProfile("generic")});
  EXPECT_EQ(find(one, "D6", "plus")->behaviour, "scope_separator=plus");
  EXPECT_EQ(find(one, "D6", "space")->behaviour, std::nullopt);  // generic has it
  EXPECT_EQ(find(one, "D10", "string")->behaviour, "expires_in=string");
  EXPECT_EQ(find(one, "D3", "query")->behaviour, std::nullopt);  // no switch for encodings
  for (const auto& m : one.missing) {
    EXPECT_NE(m, "D6 scope separator: plus");
    EXPECT_NE(m, "D10 expires_in: string");
  }

  CoverageReport all = computeCoverage(testing::providerProfiles());
  EXPECT_TRUE(all.missing.empty()) << all.missing.front();
  std::string table = formatCoverage(all);
  // expires_in=string is a profile's own now (Naver answers "3600"), so no switch line for it.
  for (const char* line : {"(behaviour: scope_separator=plus)",
                           "every required dimension value (*) is covered"}) {
    EXPECT_NE(table.find(line), std::string::npos) << line << "\n" << table;
  }
  // A switch is shown only where no profile exercises the value.
  EXPECT_EQ(table.find("(behaviour: scope_separator=space)"), std::string::npos);
}

// The wire effect of each switch the table may cite, on the generic profile (space separator,
// scopes read / write / profile, expires_in number, 3600 s).
using testing::GenericSim;

Json exchangeFor(GenericSim& s, const std::string& scope) {
  return s.exchange(s.code({{"scope", scope}}));
}

void expectScopeRejected(GenericSim& s, const std::string& scope) {
  EXPECT_EQ(testing::locationParam(s.authorize({{"scope", scope}}), "error"), "invalid_scope")
      << scope;
}

const std::map<std::string, std::function<void(GenericSim&)>>& switchChecks() {
  static const std::map<std::string, std::function<void(GenericSim&)>> kChecks = {
      {"scope_separator=space",
       [](GenericSim& s) {
         EXPECT_EQ(exchangeFor(s, "read write")["scope"], "read write");
         expectScopeRejected(s, "read,write");
       }},
      {"scope_separator=comma",
       [](GenericSim& s) {
         EXPECT_EQ(exchangeFor(s, "read,write")["scope"], "read,write");
         expectScopeRejected(s, "read write");
       }},
      {"scope_separator=plus",
       [](GenericSim& s) {
         // GenericSim sends the query with '+' as %2B and space as %20.
         EXPECT_EQ(exchangeFor(s, "read+write")["scope"], "read+write");
         expectScopeRejected(s, "read write");
       }},
      {"scope_separator=none",
       [](GenericSim& s) {  // the scope parameter is ignored; default scopes (none) granted
         EXPECT_EQ(exchangeFor(s, "no-such-scope")["scope"], "");
       }},
      {"expires_in=number", [](GenericSim& s) { EXPECT_EQ(exchangeFor(s, "read")["expires_in"], 3600); }},
      {"expires_in=string", [](GenericSim& s) { EXPECT_EQ(exchangeFor(s, "read")["expires_in"], "3600"); }},
      {"expires_in=absent", [](GenericSim& s) { EXPECT_FALSE(exchangeFor(s, "read").contains("expires_in")); }},
      {"expires_in=zero", [](GenericSim& s) { EXPECT_EQ(exchangeFor(s, "read")["expires_in"], 0); }},
  };
  return kChecks;
}

TEST(Coverage, EveryBehaviourSwitchChangesTheWire) {
  ASSERT_FALSE(behaviourSwitches().empty());
  for (const auto& sw : behaviourSwitches()) {
    SCOPED_TRACE(sw.text());
    auto check = switchChecks().find(sw.text());
    ASSERT_NE(check, switchChecks().end()) << "a switch the coverage table cites has no wire test";
    GenericSim s;
    web::Response set = s.control("POST", "/_sim/providers/generic/behaviour", Json{{sw.field, sw.value}});
    ASSERT_EQ(set.status, 200) << set.body;
    EXPECT_EQ(parseJson(set.body).value()[sw.field], sw.value);
    check->second(s);
  }
}

}  // namespace
}  // namespace linkgate::sim
