// The journal: every request to a provider path, in arrival order, with the status answered.
#pragma once
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/http_client.h"
#include "core/json.h"

namespace linkgate::sim {

struct JournalEntry {
  int64_t seq = 0;
  int64_t at_ms = 0;  // simulator clock, unix ms
  std::string provider;
  std::string endpoint;  // authorize|consent|token|refresh|api_me|resource|unknown
  std::string method;
  std::string target;
  HeaderList headers;  // names lower-case
  std::string body;
  int status = 0;  // 0 until answered, and for a dropped connection
};

// Thread-safe. Keeps the newest kMaxEntries entries.
class Journal {
 public:
  static constexpr size_t kMaxEntries = 20000;

  // Appends entry (its seq is assigned, starting at 1) and returns the seq.
  int64_t append(JournalEntry entry);
  void setStatus(int64_t seq, int status);
  // Entries with seq > since, of provider when given.
  std::vector<JournalEntry> list(const std::optional<std::string>& provider, int64_t since) const;
  void clear();  // seq keeps counting up, so `since` stays meaningful across resets

  static Json toJson(const JournalEntry& entry);

 private:
  mutable std::mutex mu_;
  std::deque<JournalEntry> entries_;
  int64_t next_seq_ = 1;
};

}  // namespace linkgate::sim
