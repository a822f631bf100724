// ProviderGate with a ManualClock and a hand-run executor: per-provider slots, FIFO waiting,
// refusal at the deadline (never a late start), shutdown refuses what waits.
#include "gateway/provider_gate.h"

#include <gtest/gtest.h>

#include <deque>

namespace linkgate::gateway {
namespace {

using std::chrono::milliseconds;

struct Harness {
  ManualClock clock;
  std::deque<ProviderGate::Job> runnable;  // what the gate handed to "workers"
  bool accepting = true;
  // Before the gate: its destructor refuses what still waits, and the refusals write here.
  std::vector<std::string> log;  // "run:x" / "refused:x"
  ProviderGate gate{clock, {2, milliseconds(100)}, [this](ProviderGate::Job job) {
                      if (!accepting) return false;
                      runnable.push_back(std::move(job));
                      return true;
                    }};

  void submit(const std::string& provider, const std::string& name) {
    gate.submit(
        provider, clock.now() + gate.options().queue_timeout,
        [this, name] { log.push_back("run:" + name); },
        [this, name](ProviderGate::Refusal r) {
          log.push_back(std::string(r == ProviderGate::Refusal::kShutdown ? "shutdown:"
                                                                          : "refused:") +
                        name);
        });
  }
  void runOne() {
    auto job = std::move(runnable.front());
    runnable.pop_front();
    job();
  }
};

TEST(ProviderGate, OneProviderCannotTakeTheOthersSlots) {
  Harness h;
  for (int i = 0; i < 5; ++i) h.submit("slow", "s" + std::to_string(i));
  h.submit("fast", "f0");
  h.submit("fast", "f1");
  // Two slots for "slow" are in use, three wait; "fast" got its own two at once.
  EXPECT_EQ(h.runnable.size(), 4u);
  EXPECT_EQ(h.gate.load("slow").in_flight, 2u);
  EXPECT_EQ(h.gate.load("slow").queued, 3u);
  EXPECT_EQ(h.gate.load("fast").in_flight, 2u);
  EXPECT_EQ(h.gate.load("fast").queued, 0u);
}

TEST(ProviderGate, AFreedSlotStartsTheNextInArrivalOrder) {
  Harness h;
  for (int i = 0; i < 4; ++i) h.submit("p", std::to_string(i));
  h.runOne();  // "0" ends: "2" may start
  ASSERT_EQ(h.runnable.size(), 2u);
  h.runOne();
  h.runOne();
  h.runOne();
  EXPECT_EQ(h.log, (std::vector<std::string>{"run:0", "run:1", "run:2", "run:3"}));
  EXPECT_EQ(h.gate.load("p").in_flight, 0u);
}

TEST(ProviderGate, WaitingPastTheDeadlineIsRefusedAndNeverRuns) {
  Harness h;
  h.submit("p", "a");
  h.submit("p", "b");
  h.submit("p", "late");
  h.clock.advance(milliseconds(99));
  EXPECT_EQ(h.gate.expireDue(), 0u);
  h.clock.advance(milliseconds(1));
  EXPECT_EQ(h.gate.expireDue(), 1u);
  EXPECT_EQ(h.log, (std::vector<std::string>{"refused:late"}));
  h.runOne();
  h.runOne();
  EXPECT_TRUE(h.runnable.empty());  // "late" is not started by the freed slots
  EXPECT_EQ(h.gate.load("p").refused, 1u);
}

TEST(ProviderGate, ASlotFreedAfterTheDeadlineRefusesInsteadOfStarting) {
  Harness h;
  h.submit("p", "a");
  h.submit("p", "b");
  h.submit("p", "c");  // waits; nobody calls expireDue (the timer is late)
  h.clock.advance(milliseconds(150));
  h.runOne();
  EXPECT_EQ(h.runnable.size(), 1u);  // only "b"
  EXPECT_EQ(h.log, (std::vector<std::string>{"run:a", "refused:c"}));
}

TEST(ProviderGate, StopRefusesWhatWaitsAndAWorkerThatStopsRefusesToo) {
  Harness h;
  h.submit("p", "a");
  h.submit("p", "b");
  h.submit("p", "c");
  h.gate.stop();
  EXPECT_EQ(h.log, (std::vector<std::string>{"shutdown:c"}));
  h.submit("p", "after");
  EXPECT_EQ(h.log.back(), "shutdown:after");
  Harness h2;
  h2.accepting = false;
  h2.submit("p", "x");
  EXPECT_EQ(h2.log, (std::vector<std::string>{"shutdown:x"}));
  EXPECT_EQ(h2.gate.load("p").in_flight, 0u);
}

TEST(ProviderGate, TimerThreadRefusesAtTheDeadlineWithARealClock) {
  SystemClock clock;
  std::mutex mu;
  std::condition_variable cv;
  bool refused = false;
  ProviderGate gate(clock, {1, milliseconds(50)}, [](ProviderGate::Job) { return true; });
  gate.start();
  gate.submit("p", clock.now() + milliseconds(50), [] {}, [](ProviderGate::Refusal) {});
  const auto begin = std::chrono::steady_clock::now();
  gate.submit("p", clock.now() + milliseconds(50), [] {}, [&](ProviderGate::Refusal) {
    std::lock_guard lock(mu);
    refused = true;
    cv.notify_all();
  });
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return refused; }));
  const auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(took, milliseconds(45));
  EXPECT_LT(took, milliseconds(2000));
  gate.stop();
}

}  // namespace
}  // namespace linkgate::gateway
