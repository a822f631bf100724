// The conformance binary (docs/CONTRACT.md; conformance/README.md): GoogleTest main with the
// suite's own flags. Composition root: owns the HTTP client, the stack, the world, the report;
// validates the check catalogue against the contract first; prints the table at the end.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "conformance/harness/catalogue.h"
#include "conformance/harness/check.h"
#include "conformance/harness/contract.h"
#include "conformance/harness/gated_http_client.h"
#include "conformance/harness/interrupt.h"
#include "conformance/harness/options.h"
#include "conformance/harness/report.h"
#include "conformance/harness/stack.h"
#include "conformance/harness/world.h"
#include "conformance/properties/identity_checks.h"
#include "conformance/properties/oidc_checks.h"
#include "conformance/properties/provider_checks.h"
#include "core/http_client.h"

namespace {

using namespace linkgate;
using namespace linkgate::conformance;

// Exit codes (also in usage() and the README).
constexpr int kChecksFailed = 1;
constexpr int kBadInvocation = 2;
constexpr int kSetUpFailed = 3;
constexpr int kUncoveredMust = 4;

// Feeds every gtest failure message to the report (FailureLog).
class FailureListener : public testing::EmptyTestEventListener {
  void OnTestPartResult(const testing::TestPartResult& result) override {
    if (result.failed()) failureLog().add(result.message());
  }
};

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

std::vector<std::string> registeredTests() {
  std::vector<std::string> out;
  const testing::UnitTest& unit = *testing::UnitTest::GetInstance();
  for (int i = 0; i < unit.total_test_suite_count(); ++i) {
    const testing::TestSuite& suite = *unit.GetTestSuite(i);
    for (int j = 0; j < suite.total_test_count(); ++j) {
      out.push_back(std::string(suite.name()) + "." + suite.GetTestInfo(j)->name());
    }
  }
  return out;
}

Result<std::vector<ContractRule>> loadContract(const Options& options) {
  if (!options.contract_path) return parseContract(builtInContract());
  std::ifstream in(*options.contract_path);
  if (!in) return fail("bad_contract", "cannot read " + *options.contract_path);
  std::stringstream text;
  text << in.rdbuf();
  auto rules = parseContract(text.str());
  if (!rules) return fail("bad_contract", *options.contract_path + ": " + rules.error().message);
  return rules;
}

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
    return kBadInvocation;
  }
  // The contract and the catalogue: an anchor no rule defines is a start-up error.
  auto rules = loadContract(*options);
  if (!rules) {
    std::cerr << "conformance: " << rules.error().message << "\n";
    return kBadInvocation;
  }
  const std::vector<CatalogueEntry>& catalogue = checkCatalogue();
  if (auto problems = validateCatalogue(catalogue, *rules); !problems.empty()) {
    for (const auto& p : problems) std::cerr << "conformance: " << p << "\n";
    return kBadInvocation;
  }
  const std::vector<std::string> strays = uncatalogued(catalogue, registeredTests());
  if (options->list) {
    printList(std::cout, catalogue, strays);
    return strays.empty() ? 0 : kBadInvocation;
  }
  if (options->coverage) {
    const CoverageTotals totals = printCoverage(std::cout, *rules, catalogue);
    for (const auto& t : strays) {
      std::cout << "NOT IN THE CATALOGUE: test " << t << " cites no anchor\n";
    }
    return totals.uncovered_must > 0 || !strays.empty() ? kUncoveredMust : 0;
  }
  if (GTEST_FLAG_GET(list_tests)) return RUN_ALL_TESTS();

  auto expected = ExpectedFailures::load(options->expected_failures_path);
  if (!expected) {
    std::cerr << "conformance: " << expected.error().message << "\n";
    return kBadInvocation;
  }
  auto routes = GatewayRoutes::fromFlag(options->adapter);
  if (!routes) {
    std::cerr << "conformance: --adapter: " << routes.error().message << "\n";
    return kBadInvocation;
  }
  std::cout << "conformance seed: " << options->seed
            << (options->seed_was_random ? " (random; reproduce with --seed " +
                                               std::to_string(options->seed) + ")"
                                         : "")
            << "\n";

  InterruptGuard interrupt;  // before any thread: curl, the children's readers, the checks
  CurlHttpClient http;
  GatedHttpClient checks_http(http);  // what the checks use; closed by an interrupt
  Report report;
  Suite suite{nullptr, "", &report, &*expected, options->seed, options->max_success,
              &catalogue, &*rules};
  std::unique_ptr<Stack> stack;
  std::unique_ptr<World> world;
  std::mutex teardown_mu;
  bool torn_down = false;
  // Removes what the run created; once, from the end of the run or from the interrupt.
  auto cleanUp = [&](bool interrupted) {
    std::lock_guard lock(teardown_mu);
    if (torn_down) return;
    torn_down = true;
    if (interrupted) checks_http.closeAndDrain();  // a running check makes nothing more
    if (world && !options->keep) {
      if (std::string summary = world->tearDown(http); !summary.empty()) {
        std::cout << "conformance: " << summary << "\n";
      }
    } else if (world && !stack->endpoints().launched) {
      std::cout << "conformance: --keep: left " << world->createdSummary() << " on the gateway\n";
    }
    if (stack) stack->shutDown();  // stops what it started, removes its temp dir (not with --keep-files)
  };
  interrupt.onInterrupt([&] { cleanUp(true); });

  std::string setup_error;
  if (options->attached()) {
    stack = Stack::attach(*options);
  } else if (auto launched = Stack::launch(*options, http)) {
    stack = std::move(*launched);
  } else {
    setup_error = launched.error().message;
  }
  if (stack) {
    std::cout << "gateway " << stack->endpoints().gateway_url << ", simulator "
              << stack->endpoints().simulator_url << " (adapter " << routes->name() << ")\n";
    world = std::make_unique<World>(*options, stack->endpoints(), checks_http, *routes);
    if (auto ok = world->setUp(); !ok) {
      setup_error = ok.error().message;
    } else {
      world->probeCapabilities();
      suite.missing = world->missingCapabilities();
      for (const auto& [name, why] : suite.missing) {
        std::cout << "capability " << name << " missing: " << why
                  << " (checks that need it are not_run)\n";
      }
      suite.world = world.get();
    }
  }
  if (!setup_error.empty()) {
    // One line, no check rows: nothing was tested.
    std::cout << "conformance: set-up failed: " << firstLine(setup_error) << "\n";
    if (setup_error.find('\n') != std::string::npos) {
      std::cerr << setup_error << "\n";  // the launched process's log tail
    }
    cleanUp(false);
    interrupt.onInterrupt({});  // nothing left to clean; the locals go away next
    return kSetUpFailed;
  }
  setSuite(&suite);
  registerProviderChecks(world->providers(), world->unavailable());
  registerOidcChecks(*world);
  registerIdentityChecks(*world);
  testing::UnitTest::GetInstance()->listeners().Append(new FailureListener);

  const int gtest_result = RUN_ALL_TESTS();

  report.printTable(std::cout);
  if (options->report_path) {
    Json info = {{"seed", options->seed},
                 {"gateway", stack->endpoints().gateway_url},
                 {"simulator", stack->endpoints().simulator_url},
                 {"adapter", routes->name()},
                 {"setup_error", ""}};
    std::ofstream out(*options->report_path);
    out << dumpJson(report.toJson(info), 2) << "\n";
    if (!out) std::cerr << "conformance: cannot write " << *options->report_path << "\n";
  }
  const bool failed = gtest_result != 0 || report.anyFailure();
  if (failed && stack->endpoints().launched) {
    std::cout << "\nlogs of the stack:\n" << stack->logs();
  }
  cleanUp(false);
  interrupt.onInterrupt({});
  setSuite(nullptr);
  std::cout << "conformance seed: " << options->seed << (failed ? " — FAILED" : " — passed") << "\n";
  return failed ? kChecksFailed : 0;
}

}  // namespace

int main(int argc, char** argv) { return run(argc, argv); }
