// BatchLogWriter: see log_writer.h.
#include "gateway/log_writer.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <chrono>

namespace linkgate::gateway {

BatchLogWriter::BatchLogWriter(int fd) : fd_(fd) { thread_ = std::thread([this] { run(); }); }

BatchLogWriter::~BatchLogWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_.store(true);
  wake_.notify_one();
  thread_.join();
}

void BatchLogWriter::append(std::string_view line) {
  bool full = false;
  {
    std::lock_guard lock(mu_);
    if (pending_.size() + line.size() + 1 > kMaxPendingBytes) {
      ++dropped_;
      return;
    }
    pending_.append(line.data(), line.size());
    pending_ += '\n';
    appended_ += line.size() + 1;
    full = pending_.size() >= kBatchBytes;
  }
  if (full) wake_.notify_one();
}

void BatchLogWriter::flush() {
  std::unique_lock lock(mu_);
  const uint64_t target = appended_;
  flush_wanted_ = true;
  wake_.notify_one();
  // Bounded: a reader that never reads must not hang a shutdown.
  written_.wait_for(lock, kFlushTimeout, [&] { return done_ >= target; });
}

uint64_t BatchLogWriter::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

// In pieces of at most PIPE_BUF once the fd is writable, so a blocked reader never holds this
// thread for longer than a poll: once stopping, what is not writable within a second is lost.
void BatchLogWriter::writeOut(const std::string& batch) {
  constexpr size_t kPiece = 4096;
  size_t at = 0;
  int idle_ms = 0;
  while (at < batch.size()) {
    pollfd p{fd_, POLLOUT, 0};
    const int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      idle_ms += 100;
      if (stop_.load() && idle_ms >= 1000) return;
      continue;
    }
    if (ready < 0 || (p.revents & (POLLERR | POLLNVAL)) != 0) return;
    const ssize_t n = ::write(fd_, batch.data() + at, std::min(kPiece, batch.size() - at));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return;  // a closed or broken log: what is left of the batch is lost
    at += static_cast<size_t>(n);
    idle_ms = 0;
  }
}

void BatchLogWriter::run() {
  std::string batch;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait_for(lock, std::chrono::milliseconds(20), [&] {
      return stopping_ || flush_wanted_ || pending_.size() >= kBatchBytes;
    });
    flush_wanted_ = false;
    const bool last = stopping_;
    batch.clear();
    batch.swap(pending_);
    lock.unlock();
    writeOut(batch);
    lock.lock();
    done_ += batch.size();
    written_.notify_all();
    if (last && pending_.empty()) return;
  }
}

}  // namespace linkgate::gateway
