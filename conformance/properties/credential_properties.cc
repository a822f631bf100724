// Group 8: the integrator's credential API (SPEC §3) — start links (SPEC §1.1 / §3), access
// tokens refreshed before they expire with one refresh for concurrent callers, masking, export
// and idempotent import.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/properties/support.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/random.h"

namespace linkgate::conformance {
namespace {

// A full approved flow for the primary app, exchanged: the credential.
Credential linkedCredential(CheckContext& c, const App& app) {
  Flow flow(c.world(), &c.trace());
  const std::string code = must(approvedCode(flow, app, c.world().integratorUri(),
                                             c.world().integratorUri(), "credential-check"),
                                "approved flow");
  return must(flow.exchange(app, code), "code exchange");
}

TEST(Credentials, StartLinkFlow) {
  runCheck({"start_link.flow", "", ""},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const Json state = {{"integrator", "start-link"}, {"n", 7}, {"list", {"a b", "&=?"}}};
    const HttpResponse created =
        api(c, "POST", "/v1/credentials/start-auth",
            withConnectionParams(w, app.provider, Json{{"oauth_app_id", app.id},
                                                       {"redirect_uri", w.integratorUri()},
                                                       {"state", state}}));
    ASSERT_TRUE(created.status == 200 || created.status == 201)
        << "start-auth: HTTP " << created.status << " " << printable(created.body, 300);
    auto json = parseJsonObject(created.body);
    ASSERT_TRUE(json) << "start-auth answer is not a JSON object";
    const auto start_url = jsonString(*json, "start_url");
    ASSERT_TRUE(start_url) << "no start_url in " << printable(created.body, 300);

    Flow flow(w, &c.trace());
    const HttpResponse started = must(flow.startAt(app.provider, *start_url), "GET start_url");
    ASSERT_EQ(redirectedToProvider(w, app.provider, started), "");
    const std::string callback = must(flow.consent(Decision::kApprove), "consent");
    const HttpResponse final_response = must(flow.callback(callback), "callback");
    const std::string location = must(Flow::redirectTarget(final_response, "callback"), "final");
    const model::SplitResult split = model::splitFinalRedirect(location, w.integratorUri());
    ASSERT_TRUE(split.params) << "C-1.3.1: " << split.problem;
    const auto returned = split.params->get("state");
    ASSERT_TRUE(returned) << "the final redirect carries no state: " << location;
    auto returned_json = parseJson(*returned);
    EXPECT_TRUE(returned_json && *returned_json == state)
        << "state sent to start-auth " << dumpJson(state) << ", redirect carries "
        << printable(*returned, 300);
    const auto params = must(flow.finalParams(location, w.integratorUri(),
                                              {std::nullopt, *returned, w.publicUrl()}),
                             "final redirect");
    const Credential cred = must(flow.exchange(app, *params.get("code")), "exchange");
    EXPECT_EQ(cred.oauth_app_id, app.id);
    auto me = must(w.sim().apiMe(w.provider(app.provider)->sim, cred.access_token), "api/me");
    EXPECT_EQ(me.status, 200) << "the start link's token is not the provider's: " << me.body;

    // Single use: a second GET (another browser) gets a 400 page, no redirect, no provider.
    const int64_t mark = must(w.sim().mark(), "journal mark");
    Flow again(w, &c.trace());
    const HttpResponse second = must(again.startAt(app.provider, *start_url), "second GET");
    EXPECT_EQ(refusedWithoutRedirect(second, PageKind::kAny), "") << "second use of a start link";
    EXPECT_EQ(providerUntouched(w, mark), "");
  });
}

TEST(Credentials, StartLinkBadInput) {
  runCheck({"start_link.bad_input", "", ""},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    // SPEC §3 names no status for an unknown app; §7 asks for a clear error: 400 or 404.
    expectJsonError(api(c, "POST", "/v1/credentials/start-auth",
                         Json{{"oauth_app_id", randomUuid()}, {"redirect_uri", w.integratorUri()}}),
                     {400, 404}, "unknown oauth_app_id");
    expectJsonError(
        api(c, "POST", "/v1/credentials/start-auth",
            Json{{"oauth_app_id", app.id}, {"redirect_uri", "https://unregistered.invalid/cb"}}),
        {400}, "unregistered redirect_uri");
    expectJsonError(api(c, "POST", "/v1/credentials/start-auth",
                         Json{{"oauth_app_id", app.id}, {"redirect_uri", w.integratorUri() + "/"}}),
                     {400}, "redirect_uri with a trailing slash (C-2.3)");
    expectJsonError(api(c, "POST", "/v1/credentials/start-auth",
                         Json{{"redirect_uri", w.integratorUri()}}),
                     {400}, "no oauth_app_id");
    expectJsonError(api(c, "POST", "/v1/credentials/start-auth", Json{{"oauth_app_id", app.id}}),
                     {400}, "no redirect_uri");
    expectJsonError(api(c, "POST", "/v1/credentials/start-auth",
                         Json{{"oauth_app_id", app.id},
                              {"redirect_uri", w.integratorUri()},
                              {"state", std::string(6 * 1024, 'x')}}),
                     {400}, "state over 5 KB");
  });
}

std::string inSeconds(int64_t seconds) {
  return formatRfc3339(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

// C-1.1.14: start links are listed, read and deleted by id, never showing their token; a
// deleted link's URL answers as an unknown one and starts nothing.
TEST(Credentials, StartLinkManage) {
  runCheck({"start_link.manage", "", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    auto make = [&](const Json& state) {
      const HttpResponse r =
          api(c, "POST", "/v1/credentials/start-auth",
              withConnectionParams(w, app.provider, Json{{"oauth_app_id", app.id},
                                                         {"redirect_uri", w.integratorUri()},
                                                         {"state", state}}));
      EXPECT_TRUE(r.status == 200 || r.status == 201)
          << "start-auth: HTTP " << r.status << " " << printable(r.body, 300);
      auto json = parseJsonObject(r.body);
      const std::string id = json ? jsonString(*json, "id").value_or("") : "";
      const std::string url = json ? jsonString(*json, "start_url").value_or("") : "";
      return std::pair{id, url};
    };
    const auto [id, url] = make(Json{{"manage", 1}});
    const auto [other_id, other_url] = make(Json{{"manage", 2}});
    ASSERT_FALSE(id.empty() || other_id.empty()) << "C-1.1.14: start-auth names no link id";
    ASSERT_FALSE(url.empty()) << "start-auth answered no start_url";
    ASSERT_NE(id, other_id) << "two start links got the same id";
    const std::string token = url.substr(url.rfind('/') + 1);
    // Listed and readable, without the token.
    const HttpResponse list = api(c, "GET", "/v1/start-links");
    ASSERT_EQ(list.status, 200) << "C-1.1.14: GET /v1/start-links: " << printable(list.body, 300);
    EXPECT_NE(list.body.find("\"" + id + "\""), std::string::npos)
        << "C-1.1.14: a new start link is not listed";
    EXPECT_EQ(list.body.find(token), std::string::npos) << "C-1.1.14: the list shows a token";
    const HttpResponse one = api(c, "GET", "/v1/start-links/" + id);
    ASSERT_EQ(one.status, 200) << "C-1.1.14: GET /v1/start-links/{id}: "
                               << printable(one.body, 300);
    EXPECT_EQ(jsonString(must(parseJsonObject(one.body), "start link"), "id").value_or(""), id);
    EXPECT_EQ(one.body.find(token), std::string::npos) << "C-1.1.14: the link shows its token";
    expectJsonError(api(c, "GET", "/v1/start-links/0000000000000000"), {404}, "an unknown id");
    expectJsonError(api(c, "DELETE", "/v1/start-links/0000000000000000"), {404},
                    "deleting an unknown id");
    // Deleted: gone from the API, and its URL answers as an unknown link, starting nothing.
    const HttpResponse deleted = api(c, "DELETE", "/v1/start-links/" + id);
    EXPECT_TRUE(deleted.status == 200 || deleted.status == 204) << printable(deleted.body, 300);
    expectJsonError(api(c, "GET", "/v1/start-links/" + id), {404}, "C-1.1.14: a deleted link");
    expectJsonError(api(c, "DELETE", "/v1/start-links/" + id), {404},
                    "C-1.1.14: deleting a link again");
    EXPECT_EQ(api(c, "GET", "/v1/start-links").body.find("\"" + id + "\""), std::string::npos)
        << "C-1.1.14: a deleted start link is still listed";
    SystemRandom random;
    const std::string unknown_token = randomToken(random, 256);
    const std::string unknown_url = url.substr(0, url.rfind('/') + 1) + unknown_token;
    const int64_t mark = must(w.sim().mark(), "journal mark");
    Flow flow(w, &c.trace());
    const HttpResponse after = must(flow.startAt(app.provider, url), "GET a deleted start link");
    EXPECT_EQ(refusedWithoutRedirect(after, PageKind::kAny), "")
        << "C-1.1.14: the URL of a deleted start link still starts a flow";
    Flow probe(w, &c.trace());
    const HttpResponse unknown = must(probe.startAt(app.provider, unknown_url), "GET unknown link");
    EXPECT_EQ(after.status, unknown.status)
        << "C-1.1.14: a deleted start link answers unlike an unknown one";
    std::string a = after.body, b = unknown.body;
    for (size_t at; (at = a.find(token)) != std::string::npos;) a.replace(at, token.size(), "T");
    for (size_t at; (at = b.find(unknown_token)) != std::string::npos;) {
      b.replace(at, unknown_token.size(), "T");
    }
    EXPECT_EQ(a, b) << "C-1.1.14: a deleted start link's page differs from an unknown link's";
    EXPECT_EQ(providerUntouched(w, mark), "");
    // Nothing else changed: the other link is still there.
    EXPECT_EQ(api(c, "GET", "/v1/start-links/" + other_id).status, 200)
        << "C-1.1.14: deleting one start link removed another";
    api(c, "DELETE", "/v1/start-links/" + other_id);
  });
}

TEST(Credentials, AccessTokenRefresh) {
  runCheck({"credentials.access_token_refresh", "", ""},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const ProviderUnderTest& p = *w.provider(app.provider);
    const Credential flow_cred = linkedCredential(c, app);
    if (!flow_cred.refresh_token) c.notRun(app.provider + " issued no refresh token");
    if (!jsonString(flow_cred.properties, "expires_at")) {
      c.notRun(app.provider + " issued a token without a lifetime (no expires_at)");
    }
    // A token far from expiry is served as is, without a refresh.
    int64_t mark = must(w.sim().mark(), "journal mark");
    HttpResponse plain = api(c, "GET", "/v1/credentials/" + flow_cred.id + "/access-token");
    ASSERT_EQ(plain.status, 200) << printable(plain.body, 300);
    EXPECT_EQ(jsonString(must(parseJsonObject(plain.body), "access-token answer"), "access_token"),
              flow_cred.access_token)
        << "a token that is not expiring was not served as stored";
    EXPECT_EQ(must(countRequests(w, app.provider, "refresh", mark), "journal"), 0)
        << "refreshed a token that does not expire within 5 minutes";

    // The gateway judges expiry by its own clock, which the simulator's clock does not move.
    // So the credential is re-imported (SPEC §3 import, same refresh token) with an expires_at
    // 2 minutes from now (inside the 5-minute margin), and the simulator's clock is moved past
    // the access token's lifetime so the provider really rejects the old token.
    Json props = flow_cred.properties;
    props["expires_at"] = inSeconds(120);
    // With the connection params it was linked with: a per-tenant provider's refresh URL
    // needs them.
    const HttpResponse imported = api(
        c, "POST", "/v1/credentials",
        withConnectionParams(w, app.provider, Json{{"oauth_app_id", app.id}, {"properties", props}}));
    ASSERT_TRUE(imported.status == 200 || imported.status == 201) << printable(imported.body, 300);
    const auto id = jsonString(must(parseJsonObject(imported.body), "import answer"), "id");
    ASSERT_TRUE(id) << "import answer without id";

    int ttl = 3600;
    if (const Json* t = p.sim.dialectField({"access_token_ttl_seconds"});
        t != nullptr && t->is_number_integer()) {
      ttl = t->get<int>();
    }
    must(w.sim().advanceClock(ttl + 1), "advance the simulator clock");
    auto old_me = must(w.sim().apiMe(p.sim, flow_cred.access_token), "api/me (old token)");
    c.trace().add("api/me with the old token after the clock moved -> " +
                  std::to_string(old_me.status));

    mark = must(w.sim().mark(), "journal mark");
    constexpr int kCallers = 5;
    std::atomic<int> ready{0};
    std::vector<int> statuses(kCallers, 0);
    std::vector<std::string> tokens(kCallers);
    std::vector<std::thread> callers;
    for (int i = 0; i < kCallers; ++i) {
      callers.emplace_back([&, i] {
        CurlHttpClient http;
        GatewayApi gw(http, w.publicUrl(), w.gateway().apiKey(), w.gateway().routes());
        ++ready;
        while (ready.load() < kCallers) std::this_thread::yield();  // ask together
        auto r = gw.request("GET", "/v1/credentials/" + *id + "/access-token");
        const auto n = static_cast<size_t>(i);
        statuses[n] = r ? r->status : -1;
        if (r) {
          if (auto j = parseJsonObject(r->body)) tokens[n] = jsonString(*j, "access_token").value_or("");
        }
      });
    }
    for (auto& t : callers) t.join();
    std::set<std::string> distinct(tokens.begin(), tokens.end());
    std::string all;
    for (int s : statuses) all += std::to_string(s) + " ";
    c.trace().add("concurrent access-token statuses: " + all);
    for (int s : statuses) EXPECT_EQ(s, 200) << "statuses " << all;
    EXPECT_EQ(distinct.size(), 1u) << "concurrent callers got different tokens";
    const std::string fresh = *distinct.begin();
    EXPECT_NE(fresh, flow_cred.access_token) << "an expiring token was served without refresh";
    EXPECT_EQ(must(countRequests(w, app.provider, "refresh", mark), "journal"), 1)
        << kCallers << " concurrent callers did not share one refresh";
    auto me = must(w.sim().apiMe(p.sim, fresh), "api/me (new token)");
    EXPECT_EQ(me.status, 200) << "the provider does not accept the refreshed token: " << me.body;

    // Now fresh: served again without another refresh.
    mark = must(w.sim().mark(), "journal mark");
    HttpResponse after = api(c, "GET", "/v1/credentials/" + *id + "/access-token");
    ASSERT_EQ(after.status, 200);
    EXPECT_EQ(jsonString(must(parseJsonObject(after.body), "answer"), "access_token"), fresh);
    EXPECT_EQ(must(countRequests(w, app.provider, "refresh", mark), "journal"), 0)
        << "refreshed again right after a refresh";
  });
}

TEST(Credentials, MaskingAndExport) {
  runCheck({"credentials.masking_export", "", ""},
           [](CheckContext& c) {
    const App app = primaryApp(c);
    const Credential cred = linkedCredential(c, app);
    std::vector<std::string> secrets = {cred.access_token};
    if (cred.refresh_token) secrets.push_back(*cred.refresh_token);
    for (const std::string& path : std::vector<std::string>{"/v1/credentials", "/v1/credentials/" + cred.id}) {
      const HttpResponse masked = api(c, "GET", path);
      ASSERT_EQ(masked.status, 200) << path;
      for (const auto& s : secrets) {
        EXPECT_EQ(masked.body.find(s), std::string::npos) << path << " shows a token unmasked";
      }
    }
    const HttpResponse list = api(c, "GET", "/v1/credentials?truncate_secrets=false");
    ASSERT_EQ(list.status, 200);
    for (const auto& s : secrets) {
      EXPECT_NE(list.body.find(s), std::string::npos)
          << "?truncate_secrets=false does not reveal the tokens";
    }
    const HttpResponse one = api(c, "GET", "/v1/credentials/" + cred.id + "?truncate_secrets=false");
    ASSERT_EQ(one.status, 200);
    EXPECT_EQ(jsonString(must(parseJsonObject(one.body), "credential"), "properties.access_token"),
              cred.access_token);

    const HttpResponse exported = api(c, "GET", "/v1/credentials/export");
    ASSERT_EQ(exported.status, 200);
    std::istringstream lines(exported.body);
    std::string line;
    int parsed = 0;
    bool found = false;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      auto j = parseJsonObject(line);
      ASSERT_TRUE(j) << "export line is not a JSON object: " << printable(line, 200);
      ++parsed;
      if (jsonString(*j, "id") == cred.id) {
        found = true;
        EXPECT_EQ(jsonString(*j, "properties.access_token"), cred.access_token);
        if (cred.refresh_token) {
          EXPECT_EQ(jsonString(*j, "properties.refresh_token"), *cred.refresh_token);
        }
      }
    }
    EXPECT_GE(parsed, 1);
    EXPECT_TRUE(found) << "the credential is not among the " << parsed << " exported lines";
  });
}

TEST(Credentials, ImportIdempotent) {
  runCheck({"credentials.import_idempotent", "", ""},
           [](CheckContext& c) {
    const App app = primaryApp(c);
    const Credential cred = linkedCredential(c, app);
    const HttpResponse exported = api(c, "GET", "/v1/credentials/export");
    ASSERT_EQ(exported.status, 200);
    std::istringstream lines(exported.body);
    std::string line;
    std::optional<Json> mine;
    while (std::getline(lines, line)) {
      auto j = parseJsonObject(line);
      if (j && jsonString(*j, "id") == cred.id) mine = *j;
    }
    ASSERT_TRUE(mine) << "the credential is not exported";
    Json body = {{"oauth_app_id", (*mine)["oauth_app_id"]}, {"properties", (*mine)["properties"]}};
    if (mine->contains("connection_params")) body["connection_params"] = (*mine)["connection_params"];
    // The export names the provider account (C-9.3) when the dialect says where it is; the
    // line comes back with it (a provider account the tokens alone cannot tell).
    if (auto account = mine->find("provider_account_id");
        account != mine->end() && account->is_string()) {
      body["provider_account_id"] = *account;
    }
    // The exported credential is the linked one's provider account, so importing it (without
    // its id) updates the linked credential; doing it again changes nothing more.
    const HttpResponse first = api(c, "POST", "/v1/credentials", body);
    ASSERT_TRUE(first.status == 200 || first.status == 201) << printable(first.body, 300);
    const HttpResponse second = api(c, "POST", "/v1/credentials", body);
    EXPECT_EQ(second.status, 200) << "a repeated import did not update: " << printable(second.body, 300);
    const auto id1 = jsonString(must(parseJsonObject(first.body), "first"), "id");
    const auto id2 = jsonString(must(parseJsonObject(second.body), "second"), "id");
    ASSERT_TRUE(id1 && id2);
    c.trace().add("import of exported " + cred.id + " -> " + *id1 +
                  (*id1 == cred.id ? " (same)" : " (a new credential)"));
    EXPECT_EQ(*id1, *id2) << "importing the same credential twice made two";
    EXPECT_EQ(first.status, 200) << "importing the linked credential's own export created one";
    EXPECT_EQ(*id1, cred.id) << "the linked credential's provider account got a second credential";
    // The answer masks the tokens (SPEC §3).
    EXPECT_EQ(first.body.find(cred.access_token), std::string::npos) << "import answer unmasked";
  });
}

TEST(Credentials, FlowExpiry) {
  runCheck({"flow.expiry", "C-1.1.8 (flow lifetime), C-1.2.1", ""}, [](CheckContext& c) {
    World& w = c.world();
    const std::optional<std::string>& short_gw = w.shortFlowGateway();
    if (!short_gw) {
      c.notRun("needs a gateway instance with a flow lifetime short enough to wait for: the suite "
               "starts one on the launched stack's database when no --proxy fronts it");
    }
    const int ttl = w.shortFlowTtl();
    const App app = must(w.app(w.primary()), "app");
    const StartParams params{app.provider, app.id, w.integratorUri(), "expiry"};
    {
      // Control: started on the short-lived instance (the provider returns to the shared public
      // callback), a flow completed at once succeeds, so a refusal below is the lifetime's doing.
      Flow quick(w, &c.trace(), *short_gw);
      const HttpResponse started = must(quick.start(params), "/start (control)");
      ASSERT_EQ(started.status, 302) << "/start on the short-lived instance: "
                                     << printable(started.body, 300);
      const HttpResponse done = must(quick.callback(must(quick.consent(Decision::kApprove),
                                                         "consent (control)")),
                                     "callback (control)");
      ASSERT_EQ(done.status, 302) << "a flow completed within its lifetime was refused: "
                                  << printable(done.body, 300);
      EXPECT_NE(done.header("Location").value_or("").find("code="), std::string::npos)
          << "a flow completed within its lifetime did not give a code";
    }
    Flow slow(w, &c.trace(), *short_gw);
    must(slow.start(params), "/start");
    const std::string callback = must(slow.consent(Decision::kApprove), "consent");
    // Waiting for the lifetime to pass is the behaviour under test, not synchronisation.
    std::this_thread::sleep_for(std::chrono::milliseconds(ttl * 1000 + 1500));
    const int64_t mark = must(w.sim().mark(), "journal");
    const HttpResponse late = must(slow.callback(callback), "late callback");
    if (std::string p = refusedWithoutRedirect(late); !p.empty()) {
      ADD_FAILURE() << "callback " << ttl << " s + 1.5 s after /start of a flow living " << ttl
                    << " s: " << p;
    }
    const int tokens = must(countRequests(w, app.provider, "token", mark), "journal");
    EXPECT_EQ(tokens, 0) << "the gateway redeemed the provider code of an expired flow";
  });
}

}  // namespace
}  // namespace linkgate::conformance
