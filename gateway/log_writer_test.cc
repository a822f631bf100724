// BatchLogWriter through a real pipe: every line arrives whole and in order, flush() waits for
// them, a batch goes out by itself within its interval, a stuck reader costs dropped lines (never
// a blocked append), and the destructor writes what is left.
#include "gateway/log_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace linkgate::gateway {
namespace {

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() {
    EXPECT_EQ(::pipe(fds), 0);
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  }
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
  std::string drain() {  // what is readable now
    std::string out;
    char buf[65536];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, n);
    return out;
  }
};

TEST(BatchLogWriter, FlushWritesEveryLineInOrderFromManyThreads) {
  Pipe p;
  std::string got;
  {
    BatchLogWriter w(p.fds[1]);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&w, t] {
        for (int i = 0; i < 500; ++i) {
          w.append("t" + std::to_string(t) + " line " + std::to_string(i));
        }
      });
    }
    for (auto& t : threads) t.join();
    std::thread reader([&] {  // the pipe holds 64 KiB: keep reading while flush() waits
      for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
           got.size() < 4 * 500 * 10 && std::chrono::steady_clock::now() < until;) {
        got += p.drain();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
    w.flush();
    reader.join();
    got += p.drain();
    EXPECT_EQ(w.dropped(), 0u);
  }
  std::vector<int> next(4, 0);
  size_t lines = 0;
  for (size_t at = 0; at < got.size();) {
    const size_t end = got.find('\n', at);
    ASSERT_NE(end, std::string::npos) << "a line without its newline";
    const std::string line = got.substr(at, end - at);
    const int t = line[1] - '0';
    ASSERT_EQ(line, "t" + std::to_string(t) + " line " + std::to_string(next[t])) << line;
    ++next[t];
    ++lines;
    at = end + 1;
  }
  EXPECT_EQ(lines, 2000u);
}

TEST(BatchLogWriter, ABatchGoesOutByItselfWithoutFlush) {
  Pipe p;
  BatchLogWriter w(p.fds[1]);
  w.append("alone");
  std::string got;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       got.empty() && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    got = p.drain();
  }
  EXPECT_EQ(got, "alone\n");
}

TEST(BatchLogWriter, AStuckReaderDropsLinesInsteadOfBlocking) {
  Pipe p;  // nobody reads: the writer thread blocks in write() once the pipe is full
  std::atomic<bool> reading{false};
  std::thread reader;
  {
    BatchLogWriter w(p.fds[1]);
    const std::string line(1000, 'x');
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 20000; ++i) w.append(line);  // 20 MB, far past the 4 MiB bound
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_GT(w.dropped(), 10000u);  // at most 4 MiB + a pipe's worth kept
    reading = true;                  // the reader comes back: everything kept is written
    reader = std::thread([&] {
      while (reading) {
        p.drain();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
    w.flush();
  }
  reading = false;
  reader.join();
}

// A reader that never comes back: flush() gives up after its timeout and the destructor
// after about a second, instead of hanging a shutdown.
TEST(BatchLogWriter, ANeverReadingReaderDoesNotHangShutdown) {
  Pipe p;
  const auto started = std::chrono::steady_clock::now();
  {
    BatchLogWriter w(p.fds[1]);
    const std::string line(1000, 'y');
    for (int i = 0; i < 1000; ++i) w.append(line);  // 1 MB: far more than the pipe holds
    w.flush();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            BatchLogWriter::kFlushTimeout + std::chrono::seconds(5));
}

TEST(BatchLogWriter, TheDestructorWritesWhatIsLeft) {
  Pipe p;
  {
    BatchLogWriter w(p.fds[1]);
    w.append("first");
    w.append("last");
  }
  EXPECT_EQ(p.drain(), "first\nlast\n");
}

}  // namespace
}  // namespace linkgate::gateway
