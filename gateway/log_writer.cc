// BatchLogWriter: see log_writer.h.
#include "gateway/log_writer.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace linkgate::gateway {

BatchLogWriter::BatchLogWriter(int fd) : fd_(fd) { thread_ = std::thread([this] { run(); }); }

BatchLogWriter::~BatchLogWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
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
  written_.wait(lock, [&] { return done_ >= target; });
}

uint64_t BatchLogWriter::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
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
    size_t at = 0;
    while (at < batch.size()) {
      const ssize_t n = ::write(fd_, batch.data() + at, batch.size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // a closed or broken log: what is left of the batch is lost
      at += static_cast<size_t>(n);
    }
    lock.lock();
    done_ += batch.size();
    written_.notify_all();
    if (last && pending_.empty()) return;
  }
}

}  // namespace linkgate::gateway
