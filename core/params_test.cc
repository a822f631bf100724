// Tests for Params: form and query codecs, duplicates kept visible (RFC 6749 §3.1).
#include "core/params.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace linkgate {
namespace {

TEST(ParamsTest, ParsesAndDecodes) {
  const auto p = Params::parse("a=1&b=x+y%21&&c&=v&d=").value();
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p.items()[0], (Params::Item{"a", "1"}));
  EXPECT_EQ(p.get("b"), "x y!");
  EXPECT_EQ(p.get("c"), "");  // no '=': a name with an empty value
  EXPECT_EQ(p.get(""), "v");
  EXPECT_EQ(p.get("d"), "");
  EXPECT_EQ(p.get("zz"), std::nullopt);
  EXPECT_TRUE(Params::parse("").value().empty());
}

TEST(ParamsTest, BadEscapeIsAnError) {
  for (const char* bad : {"a=%G1", "a%4=1", "x=1&y=%"}) {
    const auto r = Params::parse(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().id, "bad_percent_escape");
  }
}

TEST(ParamsTest, DuplicatesAreVisible) {
  const auto p = Params::parse("state=a&code=1&state=b&code=2").value();
  EXPECT_EQ(p.count("state"), 2u);
  EXPECT_EQ(p.get("state"), "a");
  EXPECT_EQ(p.firstDuplicate(), "state");
  EXPECT_EQ(Params::parse("a=1&b=2").value().firstDuplicate(), std::nullopt);
  // The earliest second occurrence wins, not the earliest first occurrence.
  EXPECT_EQ(Params::parse("a=1&b=1&b=2&a=2").value().firstDuplicate(), "b");
}

TEST(ParamsTest, AddRemoveAndBuild) {
  Params p{{"redirect_uri", "https://x.example/cb?a=b"}, {"scope", "a b"}};
  p.add("k", "v");
  EXPECT_TRUE(p.has("k"));
  p.remove("k");
  EXPECT_FALSE(p.has("k"));
  EXPECT_EQ(p.toForm(), "redirect_uri=https%3A%2F%2Fx.example%2Fcb%3Fa%3Db&scope=a+b");
  EXPECT_EQ(p.toQuery(), "redirect_uri=https%3A%2F%2Fx.example%2Fcb%3Fa%3Db&scope=a%20b");
  EXPECT_EQ(Params().toForm(), "");
}

Params fromItems(const std::vector<std::pair<std::string, std::string>>& items) {
  Params p;
  for (const auto& [n, v] : items) p.add(n, v);
  return p;
}

RC_GTEST_PROP(ParamsProperty, FormRoundTrips,
              (const std::vector<std::pair<std::string, std::string>>& items)) {
  const Params p = fromItems(items);
  const auto parsed = Params::parse(p.toForm());
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(*parsed == p);
}

RC_GTEST_PROP(ParamsProperty, QueryRoundTrips,
              (const std::vector<std::pair<std::string, std::string>>& items)) {
  const Params p = fromItems(items);
  const auto parsed = Params::parse(p.toQuery());
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(*parsed == p);
}

RC_GTEST_PROP(ParamsProperty, CountMatchesItems,
              (const std::vector<std::pair<std::string, std::string>>& items)) {
  const Params p = fromItems(items);
  for (const auto& [n, v] : items) {
    const auto expected =
        std::count_if(items.begin(), items.end(), [&](const auto& i) { return i.first == n; });
    RC_ASSERT(p.count(n) == static_cast<size_t>(expected));
    RC_ASSERT(p.firstDuplicate().has_value() || expected == 1);
  }
}

}  // namespace
}  // namespace linkgate
