// Groups 1 and 2 of the suite: redirect-URI registration and matching against the model
// (SPEC §2), `:provider` substitution, loopback ports (RFC 8252 §7.3).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/model/redirect_model.h"
#include "conformance/properties/generators.h"
#include "conformance/properties/support.h"

namespace linkgate::conformance {
namespace {

// POST /v1/redirect-uris accepts (201, stored byte for byte) iff the model does, else 400.
std::string judgeRegistration(World& world, const std::string& uri) {
  const std::optional<std::string> problem = model::registrationProblem(uri);
  auto response = world.gateway().postRedirectUri(uri);
  if (!response) return "POST /v1/redirect-uris: " + response.error().message;
  const std::string shown = "'" + printable(uri) + "'";
  if (response->status == 201) {
    auto json = parseJsonObject(response->body);
    const std::string id = json ? jsonString(*json, "id").value_or("") : "";
    const std::string stored = json ? uriOf(*json) : "";
    if (!id.empty()) (void)world.gateway().deleteRedirectUri(id);
    if (problem) return shown + " accepted (201) although C-2.5 rejects it: " + *problem;
    if (stored != uri) return shown + " stored as '" + printable(stored) + "'";
    return {};
  }
  if (!problem) {
    return shown + " rejected (HTTP " + std::to_string(response->status) + " " +
           printable(response->body, 200) + ") although C-2.5 allows it";
  }
  if (response->status != 400) {
    return shown + " rejected with HTTP " + std::to_string(response->status) + ", not 400";
  }
  if (jsonError(*response).empty()) return shown + ": 400 without a JSON 'error'";
  return {};
}

// /start with `uri` for `app` is accepted (302 to the provider) iff the model allows it; a
// refusal is a 400 page with no redirect, and the provider never hears of it.
std::string judgeStart(World& world, Trace& trace, const App& app, const std::string& uri) {
  const auto expected = model::allowedDestination(world.registeredUris(), uri, app.provider);
  auto mark = world.sim().mark();
  if (!mark) return mark.error().message;
  Flow flow(world, &trace);
  auto response = flow.start({app.provider, app.id, uri, "s"});
  if (!response) return "GET /start: " + response.error().message;
  const std::string shown = "redirect_uri '" + printable(uri) + "'";
  if (expected) {
    const std::string p = redirectedToProvider(world, app.provider, *response);
    return p.empty() ? p : shown + ": C-2.3 allows it (D=" + printable(*expected) + ") but " + p;
  }
  if (std::string p = refusedWithoutRedirect(*response); !p.empty()) {
    return shown + ": C-2.3 refuses it but " + p;
  }
  if (std::string p = providerUntouched(world, *mark); !p.empty()) {
    return shown + " was refused, but " + p;
  }
  return {};
}

TEST(RedirectUri, Registration) {
  runCheck({"redirect_uri.registration", "", "", 150}, [](CheckContext& c) {
    for (const std::string& uri : gen::registrationExamples()) {
      if (std::string p = judgeRegistration(c.world(), uri); !p.empty()) ADD_FAILURE() << p;
    }
    c.property("POST /v1/redirect-uris: 201 iff the model accepts, else 400", [&] {
      const std::string uri = *gen::registrationCandidate();
      if (std::string p = judgeRegistration(c.world(), uri); !p.empty()) RC_FAIL(p);
    });
  });
}

// Every mutation kind once, against a fixed registered set: the deterministic half of matching.
TEST(RedirectUri, Mutations) {
  runCheck({"redirect_uri.mutations", "RFC 6749 §3.1.2", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    UriGuard guard(w);
    const std::vector<std::string> registered = {
        "https://app.conf.example/cb", "https://app.conf.example/p/:provider/cb?x=1",
        "http://127.0.0.1/loop", "https://app.conf.example/slug/" + app.provider + "/cb"};
    for (const auto& uri : registered) guard.add(must(w.registerUri(uri), "register " + uri));
    for (const auto& uri : registered) {
      for (const auto& m : gen::mutationsOf(uri, app.provider, otherSlugs(w, app.provider), 47123)) {
        c.trace().clear();
        if (std::string p = judgeStart(w, c.trace(), app, m.uri); !p.empty()) {
          ADD_FAILURE() << "mutation " << m.name << " of " << uri << ": " << p;
        }
      }
    }
  });
}

TEST(RedirectUri, Matching) {
  runCheck({"redirect_uri.matching", "", "", 200}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const std::vector<std::string> others = otherSlugs(w, app.provider);
    c.property("/start accepted iff the model accepts; refusals redirect nowhere", [&] {
      UriGuard guard(w);
      std::vector<std::string> registered;
      for (const auto& uri : *gen::registeredSet()) {
        if (auto id = w.registerUri(uri)) {  // refusals are redirect_uri.registration's business
          guard.add(*id);
          registered.push_back(uri);
        }
      }
      RC_PRE(!registered.empty());
      const gen::Mutation m = *gen::candidate(registered, app.provider, others);
      RC_TAG(m.name);
      if (std::string p = judgeStart(w, c.trace(), app, m.uri); !p.empty()) {
        RC_FAIL("mutation " + m.name + ": " + p);
      }
    });
  });
}

TEST(RedirectUri, LoopbackAnyPort) {
  runCheck({"redirect_uri.loopback_any_port", "RFC 8252 §7.3", "", 40},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    UriGuard guard(w);
    guard.add(must(w.registerUri("http://127.0.0.1/loopback-cb"), "register loopback"));
    guard.add(must(w.registerUri("http://[::1]:9000/loopback-cb"), "register loopback v6"));
    // One whole flow: the user goes back to the port that was asked for.
    Flow flow(w, &c.trace());
    auto code = approvedCode(flow, app, "http://127.0.0.1:43117/loopback-cb",
                             "http://127.0.0.1:43117/loopback-cb", "loop");
    if (!code) ADD_FAILURE() << "loopback flow: " << code.error().message;
    c.property("any port on a registered loopback URI is accepted", [&] {
      const int port = *rc::gen::inRange(1, 65536);
      const bool v6 = *rc::gen::arbitrary<bool>();
      const std::string uri = std::string(v6 ? "http://[::1]:" : "http://127.0.0.1:") +
                              std::to_string(port) + "/loopback-cb";
      if (std::string p = judgeStart(w, c.trace(), app, uri); !p.empty()) RC_FAIL(p);
    });
  });
}

TEST(RedirectUri, ProviderSubstitution) {
  runCheck({"redirect_uri.provider_substitution", "", "", 40},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const std::vector<std::string> others = otherSlugs(w, app.provider);
    c.property("the user lands on subst(U, P), existing query kept", [&] {
      UriGuard guard(w);
      const std::string registered = *gen::registeredUriWithToken();
      auto id = w.registerUri(registered);
      if (!id) RC_FAIL("C-2.2/C-2.5 allow registering " + registered + ": " + id.error().message);
      guard.add(*id);
      const int variant = *rc::gen::inRange(0, others.empty() ? 2 : 3);
      const std::string requested =
          variant == 0   ? registered
          : variant == 1 ? model::substituteProvider(registered, app.provider)
                         : model::substituteProvider(registered, others.front());
      const auto destination = model::allowedDestination(w.registeredUris(), requested, app.provider);
      if (!destination) {
        if (std::string p = judgeStart(w, c.trace(), app, requested); !p.empty()) RC_FAIL(p);
        return;
      }
      Flow flow(w, &c.trace());
      auto code = approvedCode(flow, app, requested, *destination, "sub");
      if (!code) RC_FAIL("redirect_uri " + requested + ": " + code.error().message);
    });
  });
}

}  // namespace
}  // namespace linkgate::conformance
