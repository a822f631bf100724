// The log's writer to a file descriptor (stderr in production): a line is appended to a buffer
// under a short lock, and one background thread writes the buffer out every 20 ms, or as soon
// as it holds 64 KiB, or on flush(). A request never waits for a write, and the writer wakes
// once per batch, not once per line (issue 10: a wake-up per line was a futex wake and a
// context switch for every request). Past 4 MiB unwritten (a stuck reader) lines are dropped
// and counted, never blocking; a crash loses at most the last batch, as any async log does.
// Neither flush() nor the destructor waits long for a reader that never reads.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace linkgate::gateway {

class BatchLogWriter {
 public:
  static constexpr size_t kBatchBytes = 64 * 1024;
  static constexpr size_t kMaxPendingBytes = 4 * 1024 * 1024;
  static constexpr std::chrono::seconds kFlushTimeout{5};

  explicit BatchLogWriter(int fd);
  ~BatchLogWriter();  // writes what is left, then stops the thread
  BatchLogWriter(const BatchLogWriter&) = delete;
  BatchLogWriter& operator=(const BatchLogWriter&) = delete;

  void append(std::string_view line);  // one line, without its '\n'
  // Returns once every line appended so far is written, or after kFlushTimeout (a stuck reader).
  void flush();
  uint64_t dropped() const;

 private:
  void run();
  void writeOut(const std::string& batch);

  const int fd_;
  mutable std::mutex mu_;
  std::condition_variable wake_;     // the writer: a full batch, a flush, or stopping
  std::condition_variable written_;  // flush(): the writer finished a batch
  std::string pending_;              // guarded by mu_
  uint64_t appended_ = 0;            // bytes ever appended (guarded by mu_)
  uint64_t done_ = 0;                // bytes ever written or given up on (guarded by mu_)
  uint64_t dropped_ = 0;             // lines (guarded by mu_)
  bool flush_wanted_ = false;        // guarded by mu_
  bool stopping_ = false;            // guarded by mu_
  std::atomic<bool> stop_{false};    // stopping_, for the writer while it holds no lock
  std::thread thread_;
};

}  // namespace linkgate::gateway
