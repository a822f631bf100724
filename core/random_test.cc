// Tests for RandomSource: seeded determinism and the system CSPRNG's basic sanity.
#include "core/random.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace linkgate {
namespace {

TEST(RandomTest, SeededIsDeterministic) {
  SeededRandom a(42), b(42), c(43);
  const std::string x = a.bytes(37);
  EXPECT_EQ(x.size(), 37u);
  EXPECT_EQ(x, b.bytes(37));
  EXPECT_NE(x, c.bytes(37));
  EXPECT_NE(a.bytes(37), x);  // the stream moves on
  EXPECT_EQ(a.bytes(0), "");
}

TEST(RandomTest, SeededMatchesSplitmix64Reference) {
  // splitmix64 with seed 0: first output 0xE220A8397B1DCDAF, emitted little-endian.
  SeededRandom r(0);
  const std::string bytes = r.bytes(8);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(bytes[i]);
  EXPECT_EQ(v, 0xE220A8397B1DCDAFull);
}

TEST(RandomTest, SeededIsThreadSafe) {
  SeededRandom shared(9);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) shared.bytes(16);
    });
  }
  for (auto& t : threads) t.join();
  SeededRandom fresh(9);
  fresh.bytes(16 * 4000);
  EXPECT_EQ(shared.bytes(16), fresh.bytes(16));  // no lost or doubled updates
}

TEST(RandomTest, SystemRandomFillsAndDiffers) {
  SystemRandom r;
  const std::string a = r.bytes(32), b = r.bytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_NE(a, std::string(32, '\0'));
}

// The per-thread pool (4 KiB per RAND_bytes call) never hands out a byte twice: 16-byte draws
// across many refills, from two threads and with odd sizes in between, are all distinct, and a
// draw larger than the pool's quarter goes to OpenSSL directly.
TEST(RandomTest, SystemRandomPoolHandsOutEachByteOnce) {
  SystemRandom r;
  std::set<std::string> seen;
  std::mutex mu;
  auto draw = [&] {
    for (int i = 0; i < 3000; ++i) {
      std::string v = r.bytes(16);
      r.bytes(static_cast<size_t>(i % 7));  // misaligns the next draw
      std::lock_guard lock(mu);
      EXPECT_TRUE(seen.insert(v).second) << "a 16-byte value came out twice";
    }
  };
  std::thread other(draw);
  draw();
  other.join();
  EXPECT_EQ(seen.size(), 6000u);
  const std::string big = r.bytes(100000);
  EXPECT_EQ(big.size(), 100000u);
  EXPECT_NE(big.substr(0, 64), big.substr(64, 64));
}

// A forked child shares its parent's memory, pool included: it must draw fresh bytes, not the
// ones its parent hands out next.
TEST(RandomTest, SystemRandomForkedChildDoesNotRepeatItsParent) {
  SystemRandom r;
  (void)r.bytes(16);  // the pool is full and partly used
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string v = r.bytes(32);
    ::_exit(::write(fds[1], v.data(), v.size()) == 32 ? 0 : 1);
  }
  ::close(fds[1]);
  const std::string mine = r.bytes(32);
  std::string theirs(32, '\0');
  ASSERT_EQ(::read(fds[0], theirs.data(), theirs.size()), 32);
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(mine, theirs);
}

}  // namespace
}  // namespace linkgate
