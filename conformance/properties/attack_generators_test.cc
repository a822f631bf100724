// The redirect-URI attack generator: the same seed gives the same attacks, the count is met
// with distinct URIs, every operator takes part, and the attacks are mostly not the registered
// URIs themselves (a generator that returned its input would make the bulk check vacuous).
#include "conformance/properties/attack_generators.h"

#include <gtest/gtest.h>

#include <set>

namespace linkgate::conformance::gen {
namespace {

const std::vector<std::string> kRegistered = {"https://app.conf.example/p/:provider/cb?x=1",
                                              "http://127.0.0.1/loop", "http://[::1]:9000/v6"};

TEST(AttackGenerators, SameSeedSameAttacksOtherSeedOthers) {
  const auto a = redirectAttacks(kRegistered, "github", {"gitlab"}, 42, 500);
  const auto b = redirectAttacks(kRegistered, "github", {"gitlab"}, 42, 500);
  const auto c = redirectAttacks(kRegistered, "github", {"gitlab"}, 43, 500);
  ASSERT_EQ(a.size(), 500u);
  ASSERT_EQ(b.size(), 500u);
  size_t same = 0, differs = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    same += a[i].uri == b[i].uri && a[i].name == b[i].name;
    differs += a[i].uri != c[i].uri;
  }
  EXPECT_EQ(same, 500u);
  EXPECT_GT(differs, 400u);
}

TEST(AttackGenerators, DistinctEveryOperatorUsedRarelyTheInput) {
  const auto attacks = redirectAttacks(kRegistered, "github", {"gitlab"}, 7, 20000);
  ASSERT_EQ(attacks.size(), 20000u);
  std::set<std::string> uris;
  std::map<std::string, size_t> used;
  size_t unchanged = 0;
  for (const auto& m : attacks) {
    uris.insert(m.uri);
    for (const auto& reg : kRegistered) unchanged += m.uri == reg;
    for (const auto& op : attackOperatorNames()) {
      if (m.name.find("+" + op) != std::string::npos) ++used[op];
    }
    EXPECT_NE(m.name.find('+'), std::string::npos) << m.name;  // at least one stacked operator
  }
  EXPECT_EQ(uris.size(), attacks.size());
  EXPECT_LE(unchanged, kRegistered.size());
  for (const auto& op : attackOperatorNames()) EXPECT_GT(used[op], 200u) << op;
}

TEST(AttackGenerators, TargetedPartsAreReallyChanged) {
  // Spot checks of what the operators produce: each family shows up in the output.
  const auto attacks = redirectAttacks(kRegistered, "github", {"gitlab"}, 9, 20000);
  auto any = [&](const std::string& needle) {
    for (const auto& m : attacks) {
      if (m.uri.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(any("\\"));
  EXPECT_TRUE(any("%25"));
  EXPECT_TRUE(any(std::string(1, '\0')));
  EXPECT_TRUE(any("\r\n"));
  EXPECT_TRUE(any("[::ffff:127.0.0.1]"));
  EXPECT_TRUE(any(":65536"));
  EXPECT_TRUE(any("xn--"));
  EXPECT_TRUE(any("\xD0\xB0"));  // Cyrillic a
  EXPECT_TRUE(any("%3Aprovider"));
  EXPECT_TRUE(any("@evil.example"));
  EXPECT_TRUE(any("/../"));
}

}  // namespace
}  // namespace linkgate::conformance::gen
