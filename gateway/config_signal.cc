#include "gateway/config_signal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace linkgate::gateway {

Result<std::unique_ptr<ConfigSignal>> ConfigSignal::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail("store_open", path + ": " + std::strerror(errno));
  auto failed = [&](const char* what) {
    const std::string message = path + ": " + what + ": " + std::strerror(errno);
    ::close(fd);
    return fail("store_open", message);
  };
  if (::ftruncate(fd, sizeof(Shared)) != 0) return failed("ftruncate");
  void* mapped = ::mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mapped == MAP_FAILED) return failed("mmap");
  auto* shared = static_cast<Shared*>(mapped);
  // Every user holds a shared lock; one that gets the exclusive lock is alone and may clear a
  // count left by a process that died mid-write.
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
    shared->writers.store(0);
    shared->generation.fetch_add(1);
  }
  if (::flock(fd, LOCK_SH) != 0) {
    ::munmap(mapped, sizeof(Shared));
    return failed("flock");
  }
  return std::unique_ptr<ConfigSignal>(new ConfigSignal(fd, shared));
}

ConfigSignal::~ConfigSignal() {
  ::munmap(shared_, sizeof(Shared));
  ::close(fd_);  // drops the shared lock
}

std::optional<uint64_t> ConfigSignal::stable() const {
  if (shared_->writers.load() != 0) return std::nullopt;
  return shared_->generation.load();
}

ConfigSignal::Write::Write(ConfigSignal* signal) : signal_(signal) {
  if (signal_ != nullptr) signal_->shared_->writers.fetch_add(1);
}

ConfigSignal::Write::~Write() {
  if (signal_ == nullptr) return;
  signal_->shared_->generation.fetch_add(1);
  signal_->shared_->writers.fetch_sub(1);
}

}  // namespace linkgate::gateway
