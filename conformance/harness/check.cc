// runCheck: verdicts, expected failures, RapidCheck with the suite's seed, failure output.
#include "conformance/harness/check.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <iostream>
#include <optional>

namespace linkgate::conformance {
namespace {

Suite* g_suite = nullptr;  // see setSuite(): set once by main, read by checks

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string clip(const std::string& s, size_t max) {
  return s.size() > max ? s.substr(0, max) + "...(" + std::to_string(s.size()) + " bytes)" : s;
}

}  // namespace

void setSuite(Suite* suite) { g_suite = suite; }

Suite& suite() {
  if (g_suite == nullptr) throw std::logic_error("conformance suite used before main set it up");
  return *g_suite;
}

void FailureLog::add(std::string message) {
  std::lock_guard lock(mu_);
  messages_.push_back(std::move(message));
}

std::vector<std::string> FailureLog::take() {
  std::lock_guard lock(mu_);
  return std::exchange(messages_, {});
}

FailureLog& failureLog() {
  static FailureLog log;  // written by the gtest listener main installs
  return log;
}

CheckContext::CheckContext(World& world, const CheckInfo& info, uint64_t seed, int max_success)
    : world_(world), info_(info), seed_(seed), max_success_(max_success) {}

void CheckContext::notRun(const std::string& reason) { throw NotRun(reason); }

void CheckContext::property(const std::string& description, const std::function<void()>& body,
                            int max_success, int max_size) {
  rc::detail::TestParams params;
  params.seed = seed_;
  params.maxSuccess = suite().max_success_override > 0 ? suite().max_success_override
                      : max_success > 0               ? max_success
                                                      : max_success_;
  params.maxSize = max_size;
  params.maxDiscardRatio = 10;
  std::string failing_trace;
  auto testable = [&] {
    trace_.clear();
    try {
      body();
    } catch (const rc::detail::CaseResult& r) {
      if (r.type == rc::detail::CaseResult::Type::Failure) failing_trace = trace_.text();
      throw;
    } catch (...) {
      failing_trace = trace_.text();
      throw;
    }
  };
  rc::detail::TestMetadata metadata;
  metadata.id = info_.id + "/" + description;
  metadata.description = description;
  const rc::detail::TestResult result = rc::detail::checkTestable(testable, metadata, params);
  if (result.is<rc::detail::SuccessResult>()) return;

  std::ostringstream message;
  std::string anchors;
  for (const auto& a : info_.anchors) anchors += (anchors.empty() ? "" : " ") + a;
  message << info_.id << " (" << anchors << "; " << info_.clause << ") property '" << description
          << "' failed\n";
  message << "RapidCheck seed: " << seed_ << " (suite --seed " << suite().seed
          << ", provider " << info_.provider << ")\n";
  rc::detail::FailureResult failure;
  if (result.match(failure)) {
    message << "after " << failure.numSuccess << " successful cases: "
            << clip(failure.description, 2000) << "\n";
    std::ostringstream ce;
    for (const auto& [type, value] : failure.counterExample) ce << type << ": " << value << "\n";
    counterexample_ = ce.str();
    message << "shrunk counterexample:\n" << clip(counterexample_, 4000);
    message << "hop trace of the shrunk counterexample:\n" << failing_trace;
  } else {
    std::ostringstream text;
    rc::detail::printResultMessage(result, text);
    message << text.str() << "\n";
  }
  ADD_FAILURE() << message.str();
}

namespace {

// The catalogue's anchors plus the inline ones; "" when all are known, else the problem.
std::string resolveAnchors(const Suite& s, CheckInfo& info, std::vector<std::string>& needs) {
  if (s.catalogue != nullptr) {
    if (const CatalogueEntry* entry = findCheck(*s.catalogue, info.id)) {
      for (const auto& a : entry->anchors) {
        if (std::ranges::find(info.anchors, a) == info.anchors.end()) info.anchors.push_back(a);
      }
      needs = entry->needs;
    }
  }
  if (info.anchors.empty()) {
    return info.id + " cites no docs/CONTRACT.md anchor: add it to conformance/properties/"
                     "catalogue.cc";
  }
  if (s.contract != nullptr) {
    for (const auto& a : info.anchors) {
      if (std::ranges::none_of(*s.contract, [&](const ContractRule& r) { return r.anchor == a; })) {
        return info.id + " cites " + a + ", which docs/CONTRACT.md does not define";
      }
    }
  }
  return {};
}

std::string joinAnchors(const std::vector<std::string>& anchors) {
  std::string out;
  for (const auto& a : anchors) out += (out.empty() ? "" : " ") + a;
  return out;
}

}  // namespace

void runCheck(CheckInfo info, const std::function<void(CheckContext&)>& body) {
  Suite& s = suite();
  std::vector<std::string> needs;
  const std::string anchor_problem = resolveAnchors(s, info, needs);
  const std::string anchors = joinAnchors(info.anchors);
  if (s.world == nullptr) {
    s.report->add({info.id, info.clause, info.provider, Verdict::kNotRun, s.seed, "",
                   "suite set-up failed: " + s.setup_error, anchors});
    GTEST_SKIP() << "suite set-up failed: " << s.setup_error;
  }
  if (info.provider.empty()) info.provider = s.world->primary();
  if (!anchor_problem.empty()) {
    s.report->add({info.id, info.clause, info.provider, Verdict::kFail, s.seed, "", anchor_problem,
                   anchors});
    FAIL() << anchor_problem;
  }
  for (const auto& need : needs) {
    if (auto it = s.missing.find(need); it != s.missing.end()) {
      const std::string reason = "needs " + need + ": " + it->second;
      s.report->add({info.id, info.clause, info.provider, Verdict::kNotRun, s.seed, "", reason,
                     anchors});
      GTEST_SKIP() << "not run: " << reason;
    }
  }
  const uint64_t seed = s.seed ^ fnv1a(info.id + "@" + info.provider);
  CheckContext ctx(*s.world, info, seed, info.max_success);
  const std::optional<std::string> expected = s.expected->reasonFor(info.id, info.provider);
  std::cout << "[ CHECK    ] " << info.id << " (" << anchors << ")"
            << (info.clause.empty() ? "" : " [" + info.clause + "]") << " provider "
            << info.provider << std::endl;  // flushed: a watcher of the output sees it now
  (void)failureLog().take();

  std::optional<std::string> not_run;
  testing::TestPartResultArray intercepted;
  {
    std::unique_ptr<testing::ScopedFakeTestPartResultReporter> capture;
    if (expected) {
      capture = std::make_unique<testing::ScopedFakeTestPartResultReporter>(
          testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, &intercepted);
    }
    try {
      body(ctx);
    } catch (const NotRun& n) {
      not_run = n.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << info.id << " (" << anchors << "; " << info.clause << "): " << e.what();
    }
  }

  CheckRecord record{info.id, info.clause, info.provider, Verdict::kPass, seed,
                     ctx.counterexample(), "", anchors};
  std::vector<std::string> failures;
  if (expected) {
    for (int i = 0; i < intercepted.size(); ++i) {
      if (intercepted.GetTestPartResult(i).failed()) {
        failures.push_back(intercepted.GetTestPartResult(i).message());
      }
    }
  } else {
    failures = failureLog().take();
  }
  if (not_run) {
    record.verdict = Verdict::kNotRun;
    record.detail = *not_run;
  } else if (!failures.empty()) {
    record.verdict = expected ? Verdict::kExpectedFailure : Verdict::kFail;
    std::string first = failures.front();
    if (first.starts_with("Failed\n")) first.erase(0, 7);  // gtest's prefix for ADD_FAILURE()
    record.detail = clip(first, 600);
    if (expected) record.detail = "known gap (" + *expected + "): " + record.detail;
  } else if (expected) {
    record.verdict = Verdict::kFail;
    record.detail = "unexpected pass: expected_failures.json lists it (" + *expected +
                    "); remove the entry";
  }
  s.report->add(record);

  if (record.verdict == Verdict::kFail && expected && failures.empty()) {
    ADD_FAILURE() << info.id << " for " << info.provider << ": " << record.detail;
  } else if (record.verdict == Verdict::kFail && ctx.counterexample().empty()) {
    // (A failed property already printed the trace of its shrunk counterexample.)
    std::cout << "hop trace of " << info.id << " (" << info.provider << "):\n"
              << ctx.trace().text(60) << std::flush;
  } else if (record.verdict == Verdict::kExpectedFailure) {
    std::cout << "[  XFAIL   ] " << info.id << " for " << info.provider << ": " << record.detail
              << "\n";
  }
  if (not_run) GTEST_SKIP() << "not run: " << *not_run;
}

namespace {
class RegisteredCheck : public testing::Test {
 public:
  RegisteredCheck(CheckInfo info, std::function<void(CheckContext&)> body)
      : info_(std::move(info)), body_(std::move(body)) {}
  void TestBody() override { runCheck(info_, body_); }

 private:
  CheckInfo info_;
  std::function<void(CheckContext&)> body_;
};
}  // namespace

void registerCheck(const std::string& suite_name, const std::string& test_name, CheckInfo info,
                   std::function<void(CheckContext&)> body) {
  testing::RegisterTest(
      suite_name.c_str(), test_name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
      [info, body]() -> testing::Test* { return new RegisteredCheck(info, body); });
}

}  // namespace linkgate::conformance
