// redirect_uri.generated_attacks (issue 15): --attacks N stacked redirect_uri mutations (10^5
// in CI) against a registered set with `:provider`, loopback and IPv6 loopback URIs. Every one
// is judged by the model: allowed → 302 to the provider; refused → 400, no Location, and (for
// the whole batch) no request to any provider. A sample of the allowed ones is then carried
// through consent and callback, and must end at exactly the model's destination.
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/harness/keepalive_client.h"
#include "conformance/model/redirect_model.h"
#include "conformance/properties/attack_generators.h"
#include "conformance/properties/support.h"

namespace linkgate::conformance {
namespace {

constexpr size_t kSenders = 4;              // kept-alive connections, one thread each
constexpr size_t kCompletedSample = 24;     // allowed attacks carried through the whole flow
constexpr size_t kProblemsShown = 20;

struct Judged {
  gen::Mutation attack;
  std::optional<std::string> destination;  // the model's D; nullopt = must be refused
};

// The answer's problem under C-1.1.1 / C-2.3, or "" when it is right.
std::string judge(World& w, const std::string& slug, const Judged& j, const HttpResponse& r) {
  if (j.destination) return redirectedToProvider(w, slug, r);
  return refusedWithoutRedirect(r);
}

TEST(RedirectUri, GeneratedAttacks) {
  runCheck({"redirect_uri.generated_attacks", "RFC 6749 §3.1.2, RFC 9700 §4.1", ""},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const size_t count = w.options().attacks;
    if (count == 0) c.notRun("--attacks 0");
    if (!KeepAliveClient::supports(w.publicUrl())) {
      c.notRun("the bulk sender speaks plain http only; the gateway is at " + w.publicUrl());
    }
    UriGuard guard(w);
    const std::vector<std::string> registered = {
        "https://app.conf.example/cb", "https://app.conf.example/p/:provider/cb?x=1",
        "https://app.conf.example/slug/" + app.provider + "/cb", "http://127.0.0.1/loop",
        "http://[::1]:9000/v6/:provider", "https://app.conf.example/q?next=%2Fhome&p=:provider"};
    for (const auto& uri : registered) guard.add(must(w.registerUri(uri), "register " + uri));
    const std::vector<std::string> known = w.registeredUris();

    std::vector<Judged> attacks;
    std::vector<std::string> targets;
    for (auto& m : gen::redirectAttacks(registered, app.provider, otherSlugs(w, app.provider),
                                        c.seed(), count)) {
      auto d = model::allowedDestination(known, m.uri, app.provider);
      targets.push_back(startUrl(w, {app.provider, app.id, m.uri, "s"}).substr(w.publicUrl().size()));
      attacks.push_back({std::move(m), std::move(d)});
    }
    const int64_t mark = must(w.sim().mark(), "simulator journal mark");

    std::atomic<size_t> next{0}, allowed{0}, failures{0};
    std::mutex mu;
    std::vector<std::string> problems;
    auto sender = [&] {
      KeepAliveClient http(w.publicUrl());
      for (size_t i = next++; i < attacks.size(); i = next++) {
        const Judged& j = attacks[i];
        auto answer = http.get(targets[i]);
        std::string p = answer ? judge(w, app.provider, j, *answer)
                               : "GET /start: " + answer.error().message;
        if (j.destination) ++allowed;
        if (p.empty()) continue;
        ++failures;
        std::lock_guard lock(mu);
        if (problems.size() < kProblemsShown) {
          problems.push_back("attack " + j.attack.name + " '" + printable(j.attack.uri) + "' (" +
                             (j.destination ? "C-2.3 allows it, D='" + printable(*j.destination) + "'"
                                            : std::string("C-2.3 refuses it")) + "): " + p);
        }
      }
    };
    std::vector<std::thread> threads;
    for (size_t t = 0; t < kSenders; ++t) threads.emplace_back(sender);
    for (auto& t : threads) t.join();
    for (const auto& p : problems) ADD_FAILURE() << p;
    if (failures > problems.size()) ADD_FAILURE() << failures << " attacks answered wrongly in all";
    if (std::string p = providerUntouched(w, mark); !p.empty()) {
      ADD_FAILURE() << "during " << attacks.size() << " /start attacks, " << p;
    }

    // The allowed ones, one per distinct destination first: the whole flow ends at D exactly.
    std::map<std::string, const Judged*> by_destination;
    for (const auto& j : attacks) {
      if (j.destination && by_destination.size() < kCompletedSample) {
        by_destination.emplace(*j.destination, &j);
      }
    }
    for (const auto& [destination, j] : by_destination) {
      Flow flow(w, &c.trace());
      if (auto code = approvedCode(flow, app, j->attack.uri, destination, "s"); !code) {
        ADD_FAILURE() << "allowed attack " << j->attack.name << " '" << printable(j->attack.uri)
                      << "': " << code.error().message;
      }
    }
    std::cout << "redirect_uri.generated_attacks: " << attacks.size() << " attacks ("
              << allowed.load() << " allowed by the model, " << attacks.size() - allowed.load()
              << " refused), " << by_destination.size() << " allowed ones completed, "
              << failures.load() << " wrong" << std::endl;
    ::testing::Test::RecordProperty("attacks", static_cast<int>(attacks.size()));
  });
}

}  // namespace
}  // namespace linkgate::conformance
