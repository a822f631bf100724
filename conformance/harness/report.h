// Verdicts per check and provider: the stdout table, the --report JSON, and the list of known
// gaps of the reference gateway (conformance/expected_failures.json).
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace linkgate::conformance {

enum class Verdict { kPass, kFail, kNotRun, kExpectedFailure };
std::string verdictName(Verdict v);  // pass | fail | not_run | expected_failure

struct CheckRecord {
  std::string check;     // "code.single_use"
  std::string clause;    // "RFC 6749 §4.1.2" (the C-x anchors are separate)
  std::string provider;  // slug the check ran against
  Verdict verdict = Verdict::kPass;
  uint64_t seed = 0;            // RapidCheck seed of its properties
  std::string counterexample;   // shrunk, when a property failed
  std::string detail;           // first failure message, not-run reason, or expected-gap reason
  std::string anchors = {};     // docs/CONTRACT.md rules it enforces: "C-3.9 C-3.4"
};

class ExpectedFailures {
 public:
  // Reads {"expected_failures": [{"check", "provider" ("*" = any), "reason"}]}. A missing file is
  // an empty list; a malformed one an error ("bad_expected_failures").
  static Result<ExpectedFailures> load(const std::string& path);
  std::optional<std::string> reasonFor(const std::string& check, const std::string& provider) const;

 private:
  struct Entry {
    std::string check, provider, reason;
  };
  std::vector<Entry> entries_;
};

class Report {
 public:
  void add(CheckRecord record);  // thread-safe
  std::vector<CheckRecord> records() const;
  bool anyFailure() const;
  // Two tables: suite-wide checks (check | clause | provider | verdict) and the per-provider
  // matrix (provider × provider checks).
  void printTable(std::ostream& out) const;
  Json toJson(const Json& run_info) const;

 private:
  mutable std::mutex mu_;
  std::vector<CheckRecord> records_;
};

}  // namespace linkgate::conformance
