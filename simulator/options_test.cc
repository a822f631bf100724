// Flag parsing.
#include "simulator/options.h"

#include <gtest/gtest.h>

namespace linkgate::sim {
namespace {

TEST(Options, Defaults) {
  auto o = parseOptions({});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->address, "127.0.0.1");
  EXPECT_EQ(o->port, 9100);
  EXPECT_EQ(o->profiles, "fixtures/providers");
  EXPECT_FALSE(o->auto_approve);
  EXPECT_FALSE(o->dev_clients);
  EXPECT_EQ(o->threads, 2);
  EXPECT_FALSE(o->coverage);
}

TEST(Options, EveryFlagBothSpellings) {
  auto o = parseOptions({"--port", "0", "--address=0.0.0.0", "--profiles", "p", "--auto-approve",
                         "--dev-clients=http://127.0.0.1:8080", "--threads", "4", "--coverage"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->port, 0);
  EXPECT_EQ(o->address, "0.0.0.0");
  EXPECT_EQ(o->profiles, "p");
  EXPECT_TRUE(o->auto_approve);
  EXPECT_EQ(o->dev_clients, "http://127.0.0.1:8080");
  EXPECT_EQ(o->threads, 4);
  EXPECT_TRUE(o->coverage);
  EXPECT_TRUE(parseOptions({"--help"})->help);
}

TEST(Options, BadFlagsHaveAOneLineReason) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--port", "65536"}, {"--port", "x"}, {"--port"}, {"--port="}, {"--threads", "0"},
           {"--dev-clients", "not a url"}, {"--dev-clients", "ftp://x"}, {"--dev-clients", "http://x/?q=1"},
           {"--bogus"}, {"positional"}, {"--auto-approve=yes"}, {"--profiles", ""}}) {
    auto o = parseOptions(args);
    ASSERT_FALSE(o) << args[0];
    EXPECT_EQ(o.error().id, "bad_flag");
    EXPECT_EQ(o.error().message.find('\n'), std::string::npos);
    EXPECT_FALSE(o.error().message.empty());
  }
}

TEST(Options, UsageMentionsEveryFlag) {
  std::string u = usage();
  for (const char* flag : {"--port", "--address", "--profiles", "--auto-approve", "--dev-clients",
                           "--threads", "--coverage", "--help"}) {
    EXPECT_NE(u.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace linkgate::sim
