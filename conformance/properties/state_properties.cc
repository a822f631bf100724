// Group 3: the integrator's state — byte-exact round trip in success and error redirects,
// absent stays absent, too long refused, never shown to the provider; the gateway's own state
// fresh per flow (SPEC §1.1, §1.3, RFC 6749 §4.1.2, RFC 9700 §4.7).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <set>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/model/final_redirect.h"
#include "conformance/properties/generators.h"
#include "conformance/properties/support.h"
#include "core/crypto.h"
#include "core/random.h"

namespace linkgate::conformance {
namespace {

// Runs a flow with `state` (approved or denied) and returns what is wrong with the final
// redirect per the model, "" when it is right.
std::string roundTrip(CheckContext& c, const App& app, const std::optional<std::string>& state,
                      Decision decision) {
  World& w = c.world();
  Flow flow(w, &c.trace());
  auto final_response = flow.run({app.provider, app.id, w.integratorUri(), state}, decision);
  if (!final_response) return final_response.error().message;
  auto location = Flow::redirectTarget(*final_response, "callback");
  if (!location) return location.error().message;
  const std::optional<std::string> error =
      decision == Decision::kDeny ? std::optional<std::string>("access_denied") : std::nullopt;
  auto params = flow.finalParams(*location, w.integratorUri(), {error, state, w.publicUrl()});
  if (!params) {
    return params.error().message + (state ? " (state '" + printable(*state) + "')" : "");
  }
  return {};
}

TEST(State, RoundTrip) {
  runCheck({"state.round_trip", "RFC 6749 §4.1.2", "", 100}, [](CheckContext& c) {
    const App app = primaryApp(c);
    for (const std::string& state : gen::stateExamples()) {
      c.trace().clear();
      if (std::string p = roundTrip(c, app, state, Decision::kApprove); !p.empty()) {
        ADD_FAILURE() << p;
      }
    }
    c.property("state comes back byte for byte with the code", [&] {
      const std::string state = *gen::state();
      if (std::string p = roundTrip(c, app, state, Decision::kApprove); !p.empty()) RC_FAIL(p);
    });
  });
}

TEST(State, RoundTripOnError) {
  runCheck({"state.round_trip_error", "RFC 6749 §4.1.2.1", "", 30}, [](CheckContext& c) {
    const App app = primaryApp(c);
    for (const std::string state : {"a+b c", "%2B&x=1", ""}) {
      if (std::string p = roundTrip(c, app, state, Decision::kDeny); !p.empty()) ADD_FAILURE() << p;
    }
    c.property("state comes back byte for byte with access_denied", [&] {
      const std::string state = *gen::state();
      if (std::string p = roundTrip(c, app, state, Decision::kDeny); !p.empty()) RC_FAIL(p);
    });
  });
}

TEST(State, AbsentStaysAbsent) {
  runCheck({"state.absent_empty", "", ""}, [](CheckContext& c) {
    const App app = primaryApp(c);
    for (Decision d : {Decision::kApprove, Decision::kDeny}) {
      if (std::string p = roundTrip(c, app, std::nullopt, d); !p.empty()) {
        ADD_FAILURE() << "state absent: " << p;
      }
      if (std::string p = roundTrip(c, app, std::string(), d); !p.empty()) {
        ADD_FAILURE() << "state empty: " << p;
      }
    }
  });
}

TEST(State, TooLongRefused) {
  runCheck({"state.too_long", "", "", 10}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    c.property("a state over 4096 bytes never reaches the provider", [&] {
      const std::string state = *gen::tooLongState();
      const int64_t mark = must(w.sim().mark(), "journal");
      Flow flow(w, &c.trace());
      auto r = must(flow.start({app.provider, app.id, w.integratorUri(), state}), "/start");
      // client_id and redirect_uri are valid: a 400 page or a redirect with invalid_request.
      if (auto location = r.header("Location"); location && r.status == 302) {
        const auto split = model::splitFinalRedirect(*location, w.integratorUri());
        if (!split.params) RC_FAIL("redirected to " + printable(*location) + ": " + split.problem);
        RC_ASSERT(split.params->get("error") == std::optional<std::string>("invalid_request"));
      } else if (std::string p = refusedWithoutRedirect(r); !p.empty()) {
        RC_FAIL(std::to_string(state.size()) + "-byte state: " + p);
      }
      if (std::string p = providerUntouched(w, mark); !p.empty()) RC_FAIL(p);
    });
  });
}

TEST(State, NotSentToProvider) {
  runCheck({"state.not_sent_to_provider", "RFC 9700 §4.7.1", "", 30},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    SystemRandom random;
    c.property("the provider never sees the integrator's state", [&] {
      const std::string marker = "lgstate" + randomToken(random, 64);
      const std::string state = marker + *gen::state();
      const int64_t mark = must(w.sim().mark(), "journal");
      Flow flow(w, &c.trace());
      auto r = must(flow.run({app.provider, app.id, w.integratorUri(), state}), "flow");
      RC_ASSERT(r.status == 302);
      RC_ASSERT(flow.gatewayState().has_value());
      RC_ASSERT(flow.gatewayState()->find(marker) == std::string::npos);
      for (const JournalEntry& e : must(w.sim().journal(std::nullopt, mark), "journal")) {
        if (e.allText().find(marker) != std::string::npos) {
          RC_FAIL("the integrator's state reached the provider: " + e.endpoint + " " +
                  printable(e.target, 300));
        }
      }
    });
  });
}

TEST(State, GatewayStateFreshPerFlow) {
  runCheck({"state.gateway_state_fresh", "", ""},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    std::set<std::string> seen;
    for (int i = 0; i < 8; ++i) {
      Flow flow(w, &c.trace());
      const std::optional<std::string> state =
          i % 2 == 0 ? std::optional<std::string>("same-state") : std::nullopt;
      auto r = must(flow.start({app.provider, app.id, w.integratorUri(), state}), "/start");
      ASSERT_EQ(redirectedToProvider(w, app.provider, r), "");
      ASSERT_TRUE(flow.gatewayState()) << "no state in the authorization URL "
                                       << flow.authorizeUrl().value_or("");
      const std::string& s = *flow.gatewayState();
      EXPECT_TRUE(model::looksLikeFreshSecret(s))
          << "gateway state '" << printable(s) << "' is not ≥128 bits of URL-safe text";
      EXPECT_NE(s, "same-state") << "the gateway forwarded the integrator's state";
      EXPECT_TRUE(seen.insert(s).second) << "gateway state repeated across flows: " << s;
    }
  });
}

}  // namespace
}  // namespace linkgate::conformance
