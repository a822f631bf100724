// Tests for WorkerPool: jobs run, the destructor drains the queue, post after stop is refused.
#include "core/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>

namespace linkgate {
namespace {

TEST(WorkerPoolTest, RunsJobsOnSeveralThreads) {
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::atomic<int> done{0};
  // Declared before the pool: the pool's destructor joins jobs that still use these.
  std::promise<void> both_started;
  std::shared_future<void> release = both_started.get_future().share();
  std::atomic<int> started{0};
  {
    WorkerPool pool(2);
    // Two jobs that wait for each other prove two threads run concurrently.
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(pool.post([&] {
        {
          std::lock_guard lock(mu);
          ids.insert(std::this_thread::get_id());
        }
        if (++started == 2) both_started.set_value();
        release.wait();
        ++done;
      }));
    }
  }
  EXPECT_EQ(done.load(), 2);
  EXPECT_EQ(ids.size(), 2u);
}

TEST(WorkerPoolTest, DestructorDrainsQueue) {
  std::atomic<int> done{0};
  {
    WorkerPool pool(1);
    for (int i = 0; i < 100; ++i) pool.post([&] { ++done; });
  }
  EXPECT_EQ(done.load(), 100);
}

TEST(WorkerPoolTest, ZeroThreadsStillRuns) {
  std::promise<int> p;
  WorkerPool pool(0);
  pool.post([&] { p.set_value(7); });
  EXPECT_EQ(p.get_future().get(), 7);
}

TEST(WorkerPoolTest, ThrowingJobDoesNotKillWorker) {
  std::promise<int> p;
  WorkerPool pool(1);
  pool.post([] { throw std::runtime_error("boom"); });
  pool.post([&] { p.set_value(1); });
  EXPECT_EQ(p.get_future().get(), 1);
}

TEST(WorkerPoolTest, PostDuringShutdownIsRefused) {
  std::promise<bool> result;
  std::promise<void> in_first;
  {
    auto pool = std::make_unique<WorkerPool>(1);
    WorkerPool* raw = pool.get();
    std::promise<void> go;
    std::shared_future<void> go_f = go.get_future().share();
    // The first job blocks until the destructor has begun, then tries to post.
    raw->post([&, raw, go_f] {
      in_first.set_value();
      go_f.wait();
      result.set_value(raw->post([] {}));
    });
    in_first.get_future().wait();
    std::thread destroyer([&] { pool.reset(); });
    // The destructor sets stopping_ under the lock before joining; poll for that via post().
    while (raw->post([] {})) std::this_thread::yield();
    go.set_value();
    destroyer.join();
  }
  EXPECT_FALSE(result.get_future().get());
}

}  // namespace
}  // namespace linkgate
