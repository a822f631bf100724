// Changes of apps and redirect URIs announced to every process using one SQLite file, without
// a query (issue 10): two counters in a small shared file (PATH.config) mapped by each process.
// A writer announces its write before it starts and ends it after it committed (generation up,
// then writers down). A reader may trust what it cached at generation G only while no write is
// in progress anywhere and the generation is still G; otherwise it asks the database. A process
// that dies mid-write leaves `writers` up, so readers keep asking the database (correct, only
// slower) until the file's last user closes it: the first process to open it alone resets it.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"

namespace linkgate::gateway {

class ConfigSignal {
 public:
  // Opens (creating if needed) and maps `path`; fails "store_open".
  static Result<std::unique_ptr<ConfigSignal>> open(const std::string& path);
  ~ConfigSignal();
  ConfigSignal(const ConfigSignal&) = delete;
  ConfigSignal& operator=(const ConfigSignal&) = delete;

  // The generation, or nullopt while a write is in progress (or was left so by a crash).
  std::optional<uint64_t> stable() const;

  // Announces a write; destroying it ends the write (its commit is then visible to readers).
  class Write {
   public:
    explicit Write(ConfigSignal* signal);
    ~Write();
    Write(const Write&) = delete;
    Write& operator=(const Write&) = delete;

   private:
    ConfigSignal* signal_;
  };

 private:
  struct Shared {
    std::atomic<uint64_t> writers;
    std::atomic<uint64_t> generation;
  };
  static_assert(std::atomic<uint64_t>::is_always_lock_free, "shared between processes");
  ConfigSignal(int fd, Shared* shared) : fd_(fd), shared_(shared) {}
  int fd_;
  Shared* shared_;
};

}  // namespace linkgate::gateway
