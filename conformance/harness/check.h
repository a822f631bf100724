// How a conformance check runs: named after the clause it enforces, verdict recorded per
// provider, RapidCheck properties seeded from --seed, known gaps turned into expected failures
// (and an unexpected pass into a failure), the hop trace printed when something fails.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "conformance/harness/catalogue.h"
#include "conformance/harness/contract.h"
#include "conformance/harness/report.h"
#include "conformance/harness/user_agent.h"
#include "conformance/harness/world.h"

namespace linkgate::conformance {

// Everything main() set up for the checks. GoogleTest instantiates tests itself, so checks reach
// this through suite() — the one process-wide pointer, set once by main before RUN_ALL_TESTS.
struct Suite {
  World* world = nullptr;           // null when set-up failed (main then runs no check)
  std::string setup_error;          // why world is null
  Report* report = nullptr;
  const ExpectedFailures* expected = nullptr;
  uint64_t seed = 0;
  int max_success_override = 0;     // --max-success, 0 = each check's default
  const std::vector<CatalogueEntry>* catalogue = nullptr;  // anchors and needs per check id
  const std::vector<ContractRule>* contract = nullptr;     // validates anchors given inline
  // Capabilities the stack lacks (capability:: name -> why); a check needing one is not_run.
  std::map<std::string, std::string> missing = {};
};
void setSuite(Suite* suite);
Suite& suite();

// Collects GoogleTest failure messages of the running test so the report can quote them.
class FailureLog {
 public:
  void add(std::string message);
  std::vector<std::string> take();

 private:
  std::mutex mu_;
  std::vector<std::string> messages_;
};
FailureLog& failureLog();

struct CheckInfo {
  std::string id = {};        // "state.round_trip"
  std::string clause = {};    // "RFC 6749 §4.1.2": outside sources; the C-x anchors are separate
  std::string provider = {};  // empty: the suite's primary provider
  int max_success = 20;  // RapidCheck successes per property unless --max-success
  // docs/CONTRACT.md anchors ("C-3.9"), added to the catalogue's (harness/catalogue.h). A check
  // must cite at least one, in either place; an unknown one fails the check.
  std::vector<std::string> anchors = {};
};

// Thrown by CheckContext::notRun; runCheck turns it into a skipped test and a not_run verdict.
struct NotRun : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CheckContext {
 public:
  CheckContext(World& world, const CheckInfo& info, uint64_t seed, int max_success);

  World& world() { return world_; }
  const std::string& provider() const { return info_.provider; }
  Trace& trace() { return trace_; }
  uint64_t seed() const { return seed_; }

  // Runs `body` as a RapidCheck property (RC_ASSERT inside, no gtest assertions) with this
  // check's seed. On failure: a gtest failure naming the seed, the shrunk counterexample and the
  // hop trace of the shrunk case.
  // `max_size` bounds RapidCheck's size parameter (e.g. command-sequence length).
  void property(const std::string& description, const std::function<void()>& body,
                int max_success = 0, int max_size = 100);
  [[noreturn]] void notRun(const std::string& reason);
  const std::string& counterexample() const { return counterexample_; }

 private:
  World& world_;
  CheckInfo info_;
  uint64_t seed_;
  int max_success_;
  Trace trace_;
  std::string counterexample_;
};

// Runs one check inside the current gtest test and records its verdict.
void runCheck(CheckInfo info, const std::function<void(CheckContext&)>& body);
// Registers `suite_name.test_name` with GoogleTest at run time, running `body` through runCheck
// (per-provider checks, whose list comes from the stack).
void registerCheck(const std::string& suite_name, const std::string& test_name, CheckInfo info,
                   std::function<void(CheckContext&)> body);

// Fails the check with `message` unless `ok` (for Result-returning harness calls).
template <class T>
T must(Result<T> result, const std::string& what) {
  if (!result) throw std::runtime_error(what + ": " + result.error().message);
  return std::move(*result);
}
inline void must(Status status, const std::string& what) {
  if (!status) throw std::runtime_error(what + ": " + status.error().message);
}

}  // namespace linkgate::conformance
