// Journal: a locked, bounded deque.
#include "simulator/journal.h"

namespace linkgate::sim {

int64_t Journal::append(JournalEntry entry) {
  std::lock_guard lock(mu_);
  entry.seq = next_seq_++;
  entries_.push_back(std::move(entry));
  if (entries_.size() > kMaxEntries) entries_.pop_front();
  return entries_.back().seq;
}

void Journal::setStatus(int64_t seq, int status) {
  std::lock_guard lock(mu_);
  if (entries_.empty() || seq < entries_.front().seq) return;
  size_t index = static_cast<size_t>(seq - entries_.front().seq);
  if (index < entries_.size()) entries_[index].status = status;
}

std::vector<JournalEntry> Journal::list(const std::optional<std::string>& provider,
                                        int64_t since) const {
  std::lock_guard lock(mu_);
  std::vector<JournalEntry> out;
  for (const auto& e : entries_) {
    if (e.seq <= since) continue;
    if (provider && e.provider != *provider) continue;
    out.push_back(e);
  }
  return out;
}

void Journal::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

Json Journal::toJson(const JournalEntry& e) {
  Json headers = Json::object();
  for (const auto& [name, value] : e.headers) {
    // A repeated header keeps its values joined as HTTP allows (RFC 9110 §5.3).
    if (headers.contains(name)) {
      headers[name] = headers[name].get<std::string>() + ", " + value;
    } else {
      headers[name] = value;
    }
  }
  return Json{{"seq", e.seq},       {"at", e.at_ms},         {"provider", e.provider},
              {"endpoint", e.endpoint}, {"method", e.method}, {"target", e.target},
              {"headers", headers}, {"body", e.body},        {"status", e.status}};
}

}  // namespace linkgate::sim
