// Long-lived tokens: what the gateway stored is the token the provider's exchange issued (the
// simulator says so: its journal and its introspection), and a refresh goes through the
// provider's renewal call, or is refused unsent where the token is too young to renew.
#include "conformance/properties/long_lived_checks.h"

#include <gtest/gtest.h>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/properties/support.h"
#include "core/json.h"

namespace linkgate::conformance {
namespace {

// The statuses of `slug`'s journal entries at `endpoint` since `mark`.
std::vector<int> statusesAt(CheckContext& c, const std::string& endpoint, int64_t mark) {
  std::vector<int> out;
  for (const auto& e : must(c.world().sim().journal(c.provider(), mark), "journal")) {
    if (e.endpoint == endpoint) out.push_back(e.status);
  }
  return out;
}

std::string storedAccessToken(CheckContext& c, const std::string& id) {
  const HttpResponse r = must(c.world().gateway().credential(id, true), "GET credential");
  const Json body = parseJsonObject(r.body).value_or(Json::object());
  return jsonString(body, "properties.access_token").value_or("");
}

void expectLongLived(CheckContext& c, const std::string& token, const std::string& what) {
  const Json seen = must(c.world().sim().introspect(token), "introspect");
  c.trace().add("introspect " + what + " -> " + printable(dumpJson(seen), 200));
  EXPECT_EQ(seen.value("active", false), true) << what << " is not a live token of the provider";
  EXPECT_EQ(seen.value("long_lived", false), true)
      << "C-12.6: " << what << " is not the long-lived token (the short-lived one was kept)";
}

void longLivedCheck(CheckContext& c) {
  World& w = c.world();
  const Json* calls = w.provider(c.provider())->sim.dialectField({"long_lived"});
  ASSERT_TRUE(calls != nullptr && calls->is_object());
  const App app = primaryApp(c);
  const int64_t mark = must(w.sim().mark(), "journal mark");
  const Credential cred = linked(c, app);
  // C-12.6: the exchange was made, and what is stored is what it issued.
  EXPECT_EQ(statusesAt(c, "exchange", mark), std::vector<int>{200})
      << "C-12.6: linking did not trade the short-lived token exactly once";
  expectLongLived(c, cred.access_token, "the linked credential's access token");
  const Json* marker = jsonAt(cred.properties, "long_lived");
  EXPECT_TRUE(marker != nullptr && marker->is_object() && marker->contains("issued_at"))
      << "C-12.6: the credential does not say its token is long-lived (properties.long_lived)";

  const Json* renew = jsonAt(*calls, "renew");
  const int64_t min_age = renew ? renew->value("min_age_seconds", int64_t{0}) : 0;
  const int64_t before = must(w.sim().mark(), "journal mark");
  const HttpResponse answer = must(w.gateway().refreshCredential(cred.id), "refresh");
  c.trace().add("POST /v1/credentials/" + cred.id + "/refresh -> " +
                std::to_string(answer.status) + " " + printable(answer.body, 200));
  if (min_age > 0) {
    // C-12.8: a token younger than the provider's minimum age is not sent to be renewed.
    expectJsonError(answer, {409}, "refresh of a long-lived token younger than " +
                                       std::to_string(min_age) + " s");
    EXPECT_EQ(providerUntouched(w, before), "") << "C-12.8";
    EXPECT_EQ(storedAccessToken(c, cred.id), cred.access_token)
        << "C-12.8: the refused refresh changed the credential";
    c.trace().add("renewal after " + std::to_string(min_age) +
                  " s needs the gateway's clock moved: gateway/long_lived_e2e_test.cc");
    return;
  }
  // C-12.7: renewed through the provider's own call, the new token long-lived too.
  ASSERT_EQ(answer.status, 200) << "C-12.7: " << printable(answer.body, 300);
  const std::string via = renew ? "renew" : "exchange";
  EXPECT_EQ(statusesAt(c, via, before), std::vector<int>{200})
      << "C-12.7: the refresh did not go through the provider's " << via << " call";
  EXPECT_TRUE(statusesAt(c, "refresh", before).empty())
      << "C-12.7: a refresh-token grant was sent to a provider that has none";
  const std::string fresh = storedAccessToken(c, cred.id);
  EXPECT_NE(fresh, cred.access_token) << "C-12.7: the renewal stored no new token";
  expectLongLived(c, fresh, "the renewed access token");
}

}  // namespace

void registerLongLivedCheck(const ProviderUnderTest& p) {
  const Json* calls = p.sim.dialectField({"long_lived"});
  if (calls == nullptr || !calls->is_object()) return;
  registerCheck("ProviderLongLived", p.slug,
                {"provider.long_lived_token", "RFC 6749 §6; the provider's long-lived token calls",
                 p.slug},
                longLivedCheck);
}

}  // namespace linkgate::conformance
