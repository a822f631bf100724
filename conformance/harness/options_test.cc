// Tests of the conformance flags: values, defaults, and one-line refusals.
#include "conformance/harness/options.h"

#include <gtest/gtest.h>

namespace linkgate::conformance {
namespace {

TEST(OptionsTest, ParsesEveryFlag) {
  auto o = parseOptions({"--gateway", "http://g:1/", "--simulator=http://s:2", "--api-key", "k",
                         "--providers", "github,,slack", "--code-ttl", "5", "--report", "r.json",
                         "--seed", "42", "--max-success", "7", "--keep-files", "--attacks",
                         "123"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->gateway_url, "http://g:1");
  EXPECT_EQ(o->simulator_url, "http://s:2");
  EXPECT_EQ(o->api_key, "k");
  EXPECT_EQ(o->providers, (std::vector<std::string>{"github", "slack"}));
  EXPECT_EQ(o->code_ttl_seconds, 5);
  EXPECT_EQ(o->report_path, "r.json");
  EXPECT_EQ(o->seed, 42u);
  EXPECT_FALSE(o->seed_was_random);
  EXPECT_EQ(o->max_success, 7);
  EXPECT_EQ(o->attacks, 123u);
  EXPECT_TRUE(o->keep_files);
  EXPECT_TRUE(o->attached());
}

TEST(OptionsTest, DefaultsLaunchTheStack) {
  auto o = parseOptions({});
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->attached());
  EXPECT_FALSE(o->code_ttl_seconds);
  EXPECT_FALSE(o->bin_dir.empty());
  EXPECT_EQ(o->attacks, 20000u);
  EXPECT_TRUE(o->expected_failures_path.ends_with("conformance/expected_failures.json"));
  auto r = parseOptions({"--seed", "random"});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->seed_was_random);
}

TEST(OptionsTest, RefusesBadFlags) {
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--nope"},
                                             {"--nope", "value"},
                                             {"--seed"},
                                             {"--seed", "x"},
                                             {"--code-ttl", "0"},
                                             {"--max-success", "-1"},
                                             {"--attacks", "many"},
                                             {"--proxy", ""},
                                             {"--proxy-second-instance", " "},
                                             {"--attacks", "10000001"},
                                             {"--gateway", "http://g"},
                                             {"--gateway", "http://g", "--simulator", "http://s"},
                                             {"--gateway", "g", "--simulator", "s", "--api-key",
                                              "k", "--proxy", "p"},
                                             {"--gateway", "g", "--simulator", "s", "--api-key",
                                              "k", "--proxy-second-instance", "p"},
                                             {"--proxy", "p", "--proxy-second-instance", "q"},
                                             {"--proxy-second-instance"},
                                             {"--adapter", "graphql"},
                                             {"--contract"}}) {
    auto o = parseOptions(bad);
    ASSERT_FALSE(o) << bad[0];
    EXPECT_EQ(o.error().id, "bad_flag");
    EXPECT_EQ(o.error().message.find('\n'), std::string::npos);
  }
}

TEST(OptionsTest, ProxyFlags) {
  auto o = parseOptions({"--proxy", "broken_proxy --mode no-store"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->proxy_command, "broken_proxy --mode no-store");
  EXPECT_FALSE(o->second_instance_proxy_command);
  auto second = parseOptions({"--proxy-second-instance=broken_proxy --mode x"});
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->second_instance_proxy_command, "broken_proxy --mode x");
  EXPECT_FALSE(second->proxy_command);
}

TEST(OptionsTest, ProductFlags) {
  auto o = parseOptions({"--keep", "--list", "--coverage", "--contract", "c.md", "--adapter",
                         "http-adapter:m.json"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_TRUE(o->keep);
  EXPECT_TRUE(o->list);
  EXPECT_TRUE(o->coverage);
  EXPECT_EQ(o->contract_path, "c.md");
  EXPECT_EQ(o->adapter, "http-adapter:m.json");
  EXPECT_EQ(parseOptions({})->adapter, "linkgate");
}

}  // namespace
}  // namespace linkgate::conformance
