// ConfigSignal (issue 10) through real mappings of one file: what one user announces, another
// sees; a write in progress (or left so by a process that died) stops every fast path; the
// first user to open the file alone clears what a dead writer left.
#include "gateway/config_signal.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

TEST(ConfigSignalTest, AWriteOfOneUserIsSeenByAnother) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "gw.db.config").string();
  auto a = ConfigSignal::open(path);
  auto b = ConfigSignal::open(path);
  ASSERT_TRUE(a && b);
  const auto before = (*b)->stable();
  ASSERT_TRUE(before);
  EXPECT_EQ((*a)->stable(), before);
  {
    ConfigSignal::Write write(a->get());
    EXPECT_FALSE((*b)->stable()) << "no fast path while a write is in progress";
    EXPECT_FALSE((*a)->stable());
  }
  const auto after = (*b)->stable();
  ASSERT_TRUE(after);
  EXPECT_NE(*after, *before);
  EXPECT_EQ((*a)->stable(), after);
  ConfigSignal::Write nothing(nullptr);  // an engine without a signal: no effect
  EXPECT_EQ((*b)->stable(), after);
}

TEST(ConfigSignalTest, AWriterThatDiedStopsTheFastPathUntilTheFileIsOpenedAlone) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "gw.db.config").string();
  auto mine = ConfigSignal::open(path);
  ASSERT_TRUE(mine);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto theirs = ConfigSignal::open(path);
    if (!theirs) ::_exit(2);
    new ConfigSignal::Write(theirs->get());  // never destroyed: the process dies mid-write
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_FALSE((*mine)->stable()) << "the dead writer's write may have committed";
  auto second = ConfigSignal::open(path);  // not alone: nothing is cleared
  ASSERT_TRUE(second);
  EXPECT_FALSE((*second)->stable());
  second->reset();
  mine->reset();
  auto alone = ConfigSignal::open(path);
  ASSERT_TRUE(alone);
  EXPECT_TRUE((*alone)->stable());
}

TEST(ConfigSignalTest, AnUnusablePathIsAnError) {
  auto r = ConfigSignal::open("/nonexistent-dir/gw.db.config");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id, "store_open");
}

}  // namespace
}  // namespace linkgate::gateway
