// Tests of the contract parser, the catalogue validation (an unknown anchor is refused, naming
// the check and the anchor) and the coverage totals.
#include <gtest/gtest.h>

#include <sstream>

#include "conformance/harness/catalogue.h"
#include "conformance/harness/contract.h"

namespace linkgate::conformance {
namespace {

constexpr std::string_view kSmall =
    "# t\n\n"
    "- <a id=\"C-1.1\"></a>**C-1.1** MUST — one\n  continued\n"
    "- <a id=\"C-1.2\"></a>**C-1.2** SHOULD — two\n"
    "- <a id=\"C-2.1\"></a>**C-2.1** MUST *(pending: oidc)* — three\n"
    "- <a id=\"C-2.2\"></a>**C-2.2** MUST *(outside: a test,\n  elsewhere)* — four\n"
    "- <a id=\"C-2.3\"></a>**C-2.3** MAY — five\n";

TEST(ContractTest, ParsesRulesMarkersAndContinuations) {
  auto rules = parseContract(kSmall);
  ASSERT_TRUE(rules) << rules.error().message;
  ASSERT_EQ(rules->size(), 5u);
  EXPECT_EQ((*rules)[0].anchor, "C-1.1");
  EXPECT_EQ((*rules)[0].level, Level::kMust);
  EXPECT_EQ((*rules)[0].text, "one continued");
  EXPECT_EQ((*rules)[1].level, Level::kShould);
  EXPECT_EQ((*rules)[2].pending, "oidc");
  EXPECT_EQ((*rules)[2].text, "three");
  EXPECT_EQ((*rules)[3].outside, "a test, elsewhere");
  EXPECT_EQ((*rules)[3].text, "four");
  EXPECT_EQ((*rules)[4].level, Level::kMay);
}

TEST(ContractTest, RefusesMalformedRuleLines) {
  for (const char* bad : {
           "- <a id=\"X-1\"></a>**X-1** MUST — bad anchor\n",
           "- <a id=\"C-1\"></a>**C-1** MUST — a\n- <a id=\"C-1\"></a>**C-1** MUST — dup\n",
           "- <a id=\"C-1\"></a>**C-1** must — lower case\n",
           "- <a id=\"C-1\"></a>**C-2** MUST — anchor and label differ\n",
           "- <a id=\"C-1\"></a>**C-1** MUST *(pending: x — unclosed\n",
           "- <a id=\"C-1\"></a>**C-1** MUST *(later: x)* — unknown marker\n",
           "- <a id=\"C-1\"></a>**C-1** MUST no dash\n",
           "no rules at all\n"}) {
    EXPECT_FALSE(parseContract(bad)) << bad;
  }
}

TEST(ContractTest, TheBuiltInContractParses) {
  auto rules = parseContract(builtInContract());
  ASSERT_TRUE(rules) << rules.error().message;
  EXPECT_GT(rules->size(), 60u);
  auto find = [&](const std::string& a) {
    for (const auto& r : *rules) {
      if (r.anchor == a) return r;
    }
    return ContractRule{};
  };
  EXPECT_EQ(find("C-3.9").level, Level::kMust);
  EXPECT_EQ(find("C-8.5").pending, "");  // OIDC has landed: its rules are enforced
  EXPECT_EQ(find("C-10.1").pending, "");  // webhooks have landed: the suite checks them
  EXPECT_NE(find("C-7.9").outside, "");
}

TEST(ContractTest, AnUnknownAnchorIsRefusedNamingCheckAndAnchor) {
  auto rules = parseContract(kSmall);
  ASSERT_TRUE(rules);
  const std::vector<CatalogueEntry> catalogue = {
      {"good.check", "Good.Check", false, {"C-1.1"}},
      {"bad.check", "Bad.Check", false, {"C-1.2", "C-9.9"}},
      {"bare.check", "Bare.Check", false, {}}};
  const auto problems = validateCatalogue(catalogue, *rules);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("bad.check"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("C-9.9"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("bare.check"), std::string::npos) << problems[1];
}

TEST(ContractTest, CoverageCountsUncoveredMustButNotPendingOrOutside) {
  auto rules = parseContract(kSmall);
  ASSERT_TRUE(rules);
  std::ostringstream out;
  CoverageTotals t = printCoverage(out, *rules, {{"x", "X.Y", false, {"C-1.2"}}});
  EXPECT_EQ(t.rules, 5);
  EXPECT_EQ(t.covered, 1);
  EXPECT_EQ(t.uncovered_must, 1);  // C-1.1
  EXPECT_EQ(t.pending, 1);
  EXPECT_EQ(t.outside, 1);
  EXPECT_EQ(t.uncovered_other, 1);  // C-2.3, a MAY
  EXPECT_NE(out.str().find("C-1.1      MUST   UNCOVERED"), std::string::npos) << out.str();
  t = printCoverage(out, *rules, {{"x", "X.Y", false, {"C-1.1", "C-2.1"}}});
  EXPECT_EQ(t.uncovered_must, 0);
  EXPECT_EQ(t.pending, 0);  // a pending rule with a check counts as covered
}

TEST(ContractTest, TheSuitesCatalogueCitesOnlyKnownAnchors) {
  auto rules = parseContract(builtInContract());
  ASSERT_TRUE(rules);
  EXPECT_EQ(validateCatalogue(checkCatalogue(), *rules), std::vector<std::string>{});
}

TEST(ContractTest, TestsWithoutACatalogueEntryAreFound) {
  const std::vector<CatalogueEntry> catalogue = {{"a", "A.B", false, {"C-1.1"}},
                                                 {"p", "ProviderX", true, {"C-1.1"}}};
  EXPECT_EQ(uncatalogued(catalogue, {"A.B", "ProviderX.github", "New.Check"}),
            std::vector<std::string>{"New.Check"});
}

}  // namespace
}  // namespace linkgate::conformance
