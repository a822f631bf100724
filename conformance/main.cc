// The conformance binary (SPEC §6): GoogleTest main with the suite's own flags. Composition
// root: owns the HTTP client, the stack, the world, the report; prints the table at the end.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>

#include "conformance/harness/check.h"
#include "conformance/harness/options.h"
#include "conformance/harness/report.h"
#include "conformance/harness/stack.h"
#include "conformance/harness/world.h"
#include "conformance/properties/provider_checks.h"
#include "core/http_client.h"

namespace {

using namespace linkgate;
using namespace linkgate::conformance;

// Feeds every gtest failure message to the report (FailureLog).
class FailureListener : public testing::EmptyTestEventListener {
  void OnTestPartResult(const testing::TestPartResult& result) override {
    if (result.failed()) failureLog().add(result.message());
  }
};

int run(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {  // before GoogleTest, which would answer with its own
      std::cout << usage() << "GoogleTest's flags (--gtest_filter, --gtest_output, ...): "
                << "--gtest_help\n";
      return 0;
    }
  }
  testing::InitGoogleTest(&argc, argv);  // removes --gtest_* flags
  auto options = parseOptions(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) {
    std::cerr << "conformance: " << options.error().message << "\n";
    return 2;
  }
  auto expected = ExpectedFailures::load(options->expected_failures_path);
  if (!expected) {
    std::cerr << "conformance: " << expected.error().message << "\n";
    return 2;
  }
  std::cout << "conformance seed: " << options->seed
            << (options->seed_was_random ? " (random; reproduce with --seed " +
                                               std::to_string(options->seed) + ")"
                                         : "")
            << "\n";

  CurlHttpClient http;
  Report report;
  Suite suite{nullptr, "", &report, &*expected, options->seed, options->max_success};
  std::unique_ptr<Stack> stack;
  std::unique_ptr<World> world;
  const bool listing = GTEST_FLAG_GET(list_tests);
  if (!listing) {
    if (options->attached()) {
      stack = Stack::attach(*options);
    } else if (auto launched = Stack::launch(*options, http)) {
      stack = std::move(*launched);
    } else {
      suite.setup_error = launched.error().message;
    }
    if (stack) {
      std::cout << "gateway " << stack->endpoints().gateway_url << ", simulator "
                << stack->endpoints().simulator_url << "\n";
      world = std::make_unique<World>(*options, stack->endpoints(), http);
      if (auto ok = world->setUp(); !ok) {
        suite.setup_error = ok.error().message;
      } else {
        suite.world = world.get();
      }
    }
    if (!suite.setup_error.empty()) std::cout << "set-up failed: " << suite.setup_error << "\n";
  }
  setSuite(&suite);
  if (suite.world != nullptr) {
    registerProviderChecks(world->providers(), world->unavailable());
  }
  testing::UnitTest::GetInstance()->listeners().Append(new FailureListener);

  const int gtest_result = RUN_ALL_TESTS();
  if (listing) return gtest_result;

  report.printTable(std::cout);
  if (options->report_path) {
    Json info = {{"seed", options->seed},
                 {"gateway", stack ? stack->endpoints().gateway_url : ""},
                 {"simulator", stack ? stack->endpoints().simulator_url : ""},
                 {"setup_error", suite.setup_error}};
    std::ofstream out(*options->report_path);
    out << dumpJson(report.toJson(info), 2) << "\n";
    if (!out) std::cerr << "conformance: cannot write " << *options->report_path << "\n";
  }
  const bool failed = gtest_result != 0 || !suite.setup_error.empty() || report.anyFailure();
  if (failed && stack && stack->endpoints().launched) {
    stack->keepFiles();
    std::cout << "\nlogs of the stack (kept in " << stack->tempDir() << "):\n" << stack->logs();
  }
  std::cout << "conformance seed: " << options->seed << (failed ? " — FAILED" : " — passed") << "\n";
  if (world) world->tearDown();
  setSuite(nullptr);
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) { return run(argc, argv); }
