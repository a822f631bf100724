// Issue 15, provider fault matrix: every simulator fault kind × every provider (the profiles
// in fixtures/providers that the catalogue also knows) × every endpoint kind the provider has
// — the token exchange at the callback, the account-lookup calls (api.resources) at the
// callback, the JWKS fetch of an OpenID provider (after a key rotation), the refresh — against the real gateway binary (provider timeout 600 ms) and the
// real simulator. Each case proves:
//  - the flow ends with the integrator redirect error=server_error (state kept, no code), or
//    the refresh with a JSON error (invalid_grant where the provider said so), well within
//    the timeout; the armed fault was consumed (the case really reached the endpoint);
//  - during a delayed call /healthz answers within 50 ms;
//  - a failed refresh leaves the stored access and refresh tokens as they were, the
//    credential readable, and no provider text with the client secret in the answer.
// ctest runs a seeded sample of the cases per provider (LINKGATE_FAULTS_SEED, default 15;
// LINKGATE_FAULTS_SAMPLE cases each, default 5); LINKGATE_FAULTS_FULL=1 (ci/faults) runs
// every case. Each provider prints "faults[slug]: N of M cases, ..." for the totals.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include "core/http_client.h"
#include "core/params.h"
#include "core/percent.h"
#include "gateway/child_process.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::binaryPath;
using testing::ChildProcess;
using Ms = std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

constexpr int kTimeoutMs = 600;  // the gateway's --provider-timeout-ms
constexpr int kDelayMs = 2000;   // a delay fault: well past it
const std::string kSecret = "fault-Secret-9b27e4";
const HeaderList kApi = {{"Authorization", "Bearer fault-key"},
                         {"Content-Type", "application/json"}};
const HeaderList kJson = {{"Content-Type", "application/json"}};

// Found by this matrix: where the provider's own word for invalid_grant on refresh is ambiguous
// or missing, the gateway cannot tell it from another refusal and answers server_error (the
// credential is still marked unhealthy). Fixed by catalogue data where it is unambiguous
// (token.response.invalid_grant_errors: HubSpot, Slack, Zoho; Fitbit's error path). Checked as they are today — when one is fixed,
// its case fails until it is removed from this list.
const std::map<std::string, std::string> kKnownRefreshGaps = {
    {"strava", "Strava's code \"invalid\" means invalid_grant and invalid_client alike"},
    {"twitch", "Twitch's error body has a message and no error code"},
    {"twitter", "Twitter answers invalid_request for a dead refresh token (and for bad requests)"},
    {"withings", "Withings' error is free text (\"Invalid Params: ...\")"},
};

long envNumber(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtol(v, nullptr, 10) : fallback;
}

class Stack {
 public:
  static Stack& get() {
    static Stack stack;
    return stack;
  }
  std::string error;
  std::unique_ptr<ChildProcess> sim, gw;
  testing::TempDir dir;

  HttpResponse call(const std::string& method, const std::string& url,
                    const std::string& body = {}, HeaderList headers = {}) {
    HttpRequest req;
    req.method = method;
    req.url = url;
    req.body = body;
    req.headers = std::move(headers);
    req.total_timeout = Ms(20000);
    CurlHttpClient http;  // one per call: the delay cases call from two threads
    auto r = http.send(req);
    return r ? *r : HttpResponse{};
  }

 private:
  Stack() {
    auto sim = ChildProcess::start({binaryPath("LINKGATE_SIMULATOR", "simulator",
                                               LINKGATE_BUILT_SIMULATOR),
                                    "--port", "0", "--auto-approve", "--profiles",
                                    testing::sourceDir() + "/fixtures/providers"});
    if (!sim) {
      error = sim.error().message;
      return;
    }
    this->sim = std::move(*sim);
    auto gw = ChildProcess::start(
        {binaryPath("LINKGATE_GATEWAY", "gateway", LINKGATE_BUILT_GATEWAY), "--port", "0", "--db",
         (dir.path() / "gw.db").string(), "--provider-base-url", this->sim->url(), "--catalogue",
         testing::sourceDir() + "/gateway/catalogue", "--provider-timeout-ms",
         std::to_string(kTimeoutMs), "--log-level", "off",
         // Every case fails one provider on purpose, many in a row: the circuit breaker (its own
         // test: provider_isolation_test) would answer circuit_open instead of each fault's error.
         "--breaker-failures", "0"},
        {"LINKGATE_API_KEY=fault-key",
         "LINKGATE_MASTER_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="});
    if (!gw) {
      error = gw.error().message;
      return;
    }
    this->gw = std::move(*gw);
    call("POST", this->gw->url() + "/v1/redirect-uris",
         dumpJson(Json{{"url", "http://127.0.0.1/done/:provider"}}), kApi);
  }
};

// One fault case: where, what, and (behaviour) a run-time switch set for it.
struct Case {
  std::string endpoint, kind;
  std::optional<int> status;
  Json behaviour;  // null: none
  std::string name() const {
    return endpoint + "/" + kind + (status ? std::to_string(*status) : "") +
           (behaviour.is_null() ? "" : "+" + dumpJson(behaviour));
  }
};

std::vector<Case> httpFaults(const std::string& endpoint) {
  return {{endpoint, "status", 500, nullptr},         {endpoint, "status", 503, nullptr},
          {endpoint, "status", 400, nullptr},         {endpoint, "delay", std::nullopt, nullptr},
          {endpoint, "drop_connection", {}, nullptr}, {endpoint, "malformed_body", {}, nullptr}};
}

std::vector<Case> grantFaults(const std::string& endpoint) {
  std::vector<Case> out = httpFaults(endpoint);
  for (const char* kind : {"invalid_grant", "huge_body", "deep_json", "long_token", "echo_secret"}) {
    out.push_back({endpoint, kind, {}, nullptr});
  }
  return out;
}

class FaultMatrix : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(s_.error.empty()) << s_.error;
    slug_ = GetParam();
    auto catalogue = Catalogue::load(testing::sourceDir() + "/gateway/catalogue");
    ASSERT_TRUE(catalogue) << catalogue.error().message;
    const Dialect* d = catalogue->find(slug_);
    ASSERT_NE(d, nullptr) << slug_ << " is not in the catalogue";
    for (const auto& p : d->connection_params) {
      if (p.from_callback.empty()) connection_.emplace_back(p.name, p.example);
    }
    auto client = s_.call("POST", s_.sim->url() + "/_sim/clients",
                          dumpJson(Json{{"provider", slug_},
                                        {"client_id", "fm-" + slug_},
                                        {"client_secret", kSecret},
                                        {"redirect_uris",
                                         {s_.gw->url() + "/link/oauth2/callback/" + slug_}}}),
                          kJson);
    ASSERT_EQ(client.status, 201) << client.body;
    const Json registered = Json::parse(client.body);
    Json metadata = Json::object();
    for (const auto& p : d->app_params) metadata[p.name] = registered.value(p.name, p.example);
    auto app = s_.call("POST", s_.gw->url() + "/v1/oauth-apps",
                       dumpJson(Json{{"provider", slug_}, {"client_id", "fm-" + slug_},
                                     {"client_secret", kSecret}, {"metadata", metadata}}),
                       kApi);
    ASSERT_EQ(app.status, 201) << app.body;
    app_id_ = Json::parse(app.body)["id"];
    auto summary = s_.call("GET", s_.sim->url() + "/_sim/providers/" + slug_);
    ASSERT_EQ(summary.status, 200) << summary.body;
    const Json dialect = Json::parse(summary.body)["dialect"];
    has_resources_ = !dialect.value("resources", Json::array()).empty();
    sends_iss_ = dialect.value("send_iss", false);
    // An OpenID profile makes its signing key on first use: not inside a timed case.
    (void)s_.call("GET", s_.sim->url() + "/_sim/providers/" + slug_ + "/keys");
  }

  struct Ended {
    int status = 0;
    std::string location, body;
    Params query;
    int64_t ms = 0;
  };
  // A whole flow; the callback's answer.
  Ended flow() {
    Params start;
    start.add("client_id", app_id_);
    start.add("redirect_uri", "http://127.0.0.1:4321/done/" + slug_);
    start.add("state", "fm-state");
    for (const auto& [name, value] : connection_) start.add(name, value);
    auto started = s_.call("GET", s_.gw->url() + "/link/oauth2/start?" + start.toQuery());
    EXPECT_EQ(started.status, 302) << started.body;
    const std::string cookie = started.header("Set-Cookie").value_or("");
    auto consent = s_.call("GET", started.header("Location").value_or(""));
    EXPECT_EQ(consent.status, 302) << consent.body;
    const auto t0 = Steady::now();
    auto back = s_.call("GET", consent.header("Location").value_or(""), {},
                        {{"Cookie", cookie.substr(0, cookie.find(';'))}});
    Ended e{back.status, back.header("Location").value_or(""), back.body, {},
            std::chrono::duration_cast<Ms>(Steady::now() - t0).count()};
    e.query = testing::queryOf(e.location);
    return e;
  }
  // A linked credential: its id and properties.
  std::pair<std::string, Json> link() {
    Ended e = flow();
    auto code = e.query.get("code");
    EXPECT_TRUE(code) << "baseline flow of " << slug_ << ": " << e.location << " " << e.body;
    if (!code) return {};
    auto token = s_.call("POST", s_.gw->url() + "/link/oauth2/token",
                         "code=" + percentEncode(*code) + "&client_id=" + app_id_ +
                             "&client_secret=" + percentEncode(kSecret),
                         {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(token.status, 200) << token.body;
    auto j = parseJsonObject(token.body);
    if (!j) return {};
    return {(*j)["credential"].value("id", ""), (*j)["credential"]["properties"]};
  }

  void arm(const Case& c) {
    if (!c.behaviour.is_null()) {
      auto b = s_.call("POST", s_.sim->url() + "/_sim/providers/" + slug_ + "/behaviour",
                       dumpJson(c.behaviour), kJson);
      ASSERT_EQ(b.status, 200) << b.body;
    }
    if (c.kind.empty()) return;  // a behaviour alone
    Json f = {{"provider", slug_}, {"endpoint", c.endpoint}, {"kind", c.kind}};
    if (c.status) f["status"] = *c.status;
    if (c.kind == "delay") f["delay_ms"] = kDelayMs;
    auto armed = s_.call("POST", s_.sim->url() + "/_sim/faults", dumpJson(f), kJson);
    ASSERT_EQ(armed.status, 201) << armed.body;
  }
  // The armed fault was used (the call reached the endpoint); everything back to normal.
  void disarm(const Case& c) {
    auto left = s_.call("GET", s_.sim->url() + "/_sim/faults");
    auto j = parseJsonObject(left.body);
    ASSERT_TRUE(j) << left.body;
    EXPECT_TRUE((*j)["faults"].empty()) << c.name() << ": the fault was never triggered";
    s_.call("DELETE", s_.sim->url() + "/_sim/faults");
    if (!c.behaviour.is_null()) {
      s_.call("DELETE", s_.sim->url() + "/_sim/providers/" + slug_ + "/behaviour");
    }
  }
  // While a delayed call is under way: /healthz answers within 50 ms (2 of 3 probes, the
  // third allowed one scheduling hiccup of a shared 2-core machine).
  void probeHealthDuring(std::future<void>& slow, int64_t mark) {
    for (int i = 0; i < 200 && slow.wait_for(Ms(5)) == std::future_status::timeout; ++i) {
      auto j = parseJsonObject(
          s_.call("GET", s_.sim->url() + "/_sim/journal?provider=" + slug_ + "&since=" +
                             std::to_string(mark)).body);
      if (j && !(*j)["entries"].empty() && (*j)["entries"].back().value("status", -1) == 0) break;
    }
    int fast = 0;
    int64_t worst = 0;
    for (int probe = 0; probe < 3; ++probe) {
      const auto t0 = Steady::now();
      auto r = s_.call("GET", s_.gw->url() + "/healthz");
      const int64_t ms = std::chrono::duration_cast<Ms>(Steady::now() - t0).count();
      worst = std::max(worst, ms);
      fast += r.status == 200 && ms < 50 ? 1 : 0;
    }
    EXPECT_GE(fast, 2) << "/healthz during a delayed provider call: slowest " << worst << " ms";
    ++health_probes_;
  }
  int64_t journalMark() {
    auto j = parseJsonObject(s_.call("GET", s_.sim->url() + "/_sim/journal").body);
    int64_t mark = 0;
    if (j) {
      for (const auto& e : (*j)["entries"]) mark = std::max(mark, e.value("seq", int64_t{0}));
    }
    return mark;
  }

  int tokenCallsSince(int64_t mark) {
    auto j = parseJsonObject(s_.call("GET", s_.sim->url() + "/_sim/journal?provider=" + slug_ +
                                                "&since=" + std::to_string(mark)).body);
    int n = 0;
    if (j) {
      for (const auto& e : (*j)["entries"]) n += e.value("endpoint", "") == "token" ? 1 : 0;
    }
    return n;
  }

  void flowCase(const Case& c) {
    if (c.endpoint == "jwks") {  // a new signing key: the gateway must fetch the JWKS again
      auto rotated = s_.call("POST", s_.sim->url() + "/_sim/providers/" + slug_ + "/keys/rotate",
                             R"({"grace_seconds":0})", kJson);
      ASSERT_EQ(rotated.status, 200) << rotated.body;
    }
    arm(c);
    const int64_t mark = journalMark();
    Ended e;
    auto slow = std::async(std::launch::async, [&] { e = flow(); });
    if (c.kind == "delay") probeHealthDuring(slow, mark);
    slow.get();
    if (c.kind.empty()) {  // a wrong iss (RFC 9207 §2.4): refused with no redirect, no redemption
      EXPECT_EQ(e.status, 400) << c.name() << ": " << e.location;
      EXPECT_TRUE(e.location.empty()) << c.name() << ": " << e.location;
      EXPECT_EQ(tokenCallsSince(mark), 0) << c.name() << ": the code was redeemed";
      disarm(c);
      return;
    }
    EXPECT_EQ(e.status, 302) << c.name() << ": " << e.body;
    EXPECT_TRUE(e.location.starts_with("http://127.0.0.1:4321/done/" + slug_ + "?")) << e.location;
    EXPECT_EQ(e.query.get("error").value_or(""), "server_error") << c.name() << ": " << e.location;
    EXPECT_FALSE(e.query.has("code")) << c.name();
    EXPECT_EQ(e.query.get("state").value_or(""), "fm-state") << c.name();
    EXPECT_EQ(e.location.find(kSecret), std::string::npos) << c.name() << ": secret echoed";
    EXPECT_LT(e.ms, kTimeoutMs + 1500) << c.name() << ": the flow outlived the timeout";
    disarm(c);
    if (c.endpoint == "jwks") {  // the failed fetch poisoned nothing: the next flow links
      Ended again = flow();
      EXPECT_TRUE(again.query.has("code")) << c.name() << ": after the fault: " << again.location;
    }
  }

  // A stored credential's tokens, as the export shows them.
  std::pair<std::string, std::string> storedTokens(const std::string& id) {
    auto r = s_.call("GET", s_.gw->url() + "/v1/credentials/export", {}, kApi);
    for (size_t at = 0; at < r.body.size();) {
      size_t end = r.body.find('\n', at);
      if (end == std::string::npos) end = r.body.size();
      auto line = parseJsonObject(std::string_view(r.body).substr(at, end - at));
      at = end + 1;
      if (!line || line->value("id", "") != id) continue;
      const Json& p = (*line)["properties"];
      return {p.value("access_token", ""), p.value("refresh_token", "")};
    }
    return {};
  }

  void refreshCase(const Case& c, const std::string& id) {
    const auto before = storedTokens(id);
    ASSERT_FALSE(before.second.empty());
    arm(c);
    const int64_t mark = journalMark();
    HttpResponse r;
    int64_t ms = 0;
    auto slow = std::async(std::launch::async, [&] {
      const auto t0 = Steady::now();
      r = s_.call("POST", s_.gw->url() + "/v1/credentials/" + id + "/refresh", "{}", kApi);
      ms = std::chrono::duration_cast<Ms>(Steady::now() - t0).count();
    });
    if (c.kind == "delay") probeHealthDuring(slow, mark);
    slow.get();
    auto body = parseJsonObject(r.body);
    EXPECT_TRUE(r.status >= 400 && r.status <= 599 && body && body->contains("error"))
        << c.name() << ": " << r.status << " " << r.body;
    if (body) {
      bool said_invalid_grant = c.kind == "invalid_grant";
      if (said_invalid_grant && kKnownRefreshGaps.contains(slug_)) {
        std::cout << "faults[" << slug_ << "]: known gap (" << kKnownRefreshGaps.at(slug_)
                  << "): " << c.name() << " answered " << body->value("error", "") << std::endl;
        said_invalid_grant = false;
      }
      EXPECT_EQ(body->value("error", "") == "invalid_grant", said_invalid_grant)
          << c.name() << ": " << r.body;
    }
    EXPECT_EQ(r.body.find(kSecret), std::string::npos) << c.name() << ": secret echoed";
    EXPECT_LT(ms, kTimeoutMs + 1500) << c.name() << ": the refresh outlived the timeout";
    EXPECT_EQ(storedTokens(id), before) << c.name() << ": a failed refresh changed the tokens";
    auto read = s_.call("GET", s_.gw->url() + "/v1/credentials/" + id, {}, kApi);
    EXPECT_EQ(read.status, 200) << c.name() << ": credential unreadable: " << read.body;
    disarm(c);
  }

  Stack& s_ = Stack::get();
  std::string slug_, app_id_;
  std::vector<std::pair<std::string, std::string>> connection_;
  bool has_resources_ = false, sends_iss_ = false;
  int health_probes_ = 0;
};

TEST_P(FaultMatrix, EveryFaultEndsCleanly) {
  // The baseline: a flow works, and tells which endpoint kinds this provider has.
  auto [id, props] = link();
  ASSERT_FALSE(id.empty()) << "the provider cannot be linked at all";
  std::vector<Case> cases = grantFaults("token");
  if (has_resources_) {
    for (auto c : httpFaults("resource")) cases.push_back(c);
  }
  if (sends_iss_) cases.push_back({"token", "", {}, Json{{"iss", "wrong"}}});
  if (props.contains("id_token")) {
    for (const char* kind : {"id_token_wrong_iss", "id_token_wrong_aud", "id_token_expired",
                             "id_token_bad_signature", "id_token_unknown_kid", "id_token_alg_none",
                             "id_token_replay"}) {
      cases.push_back({"token", kind, {}, nullptr});
    }
    for (auto c : httpFaults("jwks")) cases.push_back(c);
  }
  const bool refreshes = props.contains("refresh_token");
  if (refreshes) {
    for (auto c : grantFaults("refresh")) cases.push_back(c);
    // An error answered with HTTP 200 (the provider's http200 style, forced on).
    cases.push_back({"refresh", "invalid_grant", {}, Json{{"refresh_errors_http200", true}}});
  }
  const size_t all = cases.size();
  const bool full = envNumber("LINKGATE_FAULTS_FULL", 0) != 0;
  const auto seed = static_cast<uint64_t>(envNumber("LINKGATE_FAULTS_SEED", 15));
  if (!full) {
    // Always the regressions of what this matrix found (a refresh echoing the client secret;
    // the provider's own invalid_grant on refresh), then a seeded sample of the rest.
    auto pinned = [](const Case& c) {
      return c.endpoint == "refresh" && c.behaviour.is_null() &&
             (c.kind == "echo_secret" || c.kind == "invalid_grant");
    };
    std::vector<Case> sample;
    std::ranges::copy_if(cases, std::back_inserter(sample), pinned);
    std::erase_if(cases, pinned);
    std::mt19937_64 rng(seed ^ std::hash<std::string>{}(slug_));
    std::shuffle(cases.begin(), cases.end(), rng);
    cases.resize(std::min(cases.size(), static_cast<size_t>(envNumber("LINKGATE_FAULTS_SAMPLE", 5))));
    sample.insert(sample.end(), cases.begin(), cases.end());
    cases = std::move(sample);
  }
  std::set<std::string> endpoints;
  for (const Case& c : cases) {
    SCOPED_TRACE(slug_ + " " + c.name());
    endpoints.insert(c.endpoint);
    if (c.endpoint == "refresh") {
      refreshCase(c, id);
    } else {
      flowCase(c);
    }
  }
  std::cout << "faults[" << slug_ << "]: " << cases.size() << " of " << all
            << " cases (faults x endpoints: token" << (has_resources_ ? ", resource" : "")
            << (refreshes ? ", refresh" : "")
            << (props.contains("id_token") ? ", id_token, jwks" : "")
            << (sends_iss_ ? ", iss" : "") << "), " << health_probes_
            << " health probes during delays, " << (full ? "full" : "sample seed " + std::to_string(seed))
            << std::endl;
}

// The providers of the profiles directory that the catalogue knows (read at discovery).
std::vector<std::string> profileSlugs() {
  auto catalogue = Catalogue::load(testing::sourceDir() + "/gateway/catalogue");
  if (!catalogue) return {"catalogue_does_not_load"};
  std::vector<std::string> slugs;
  for (const auto& f : std::filesystem::directory_iterator(testing::sourceDir() + "/fixtures/providers")) {
    if (f.path().extension() != ".json") continue;
    const std::string slug = f.path().stem().string();
    if (catalogue->find(slug) != nullptr) slugs.push_back(slug);
  }
  std::ranges::sort(slugs);
  return slugs;
}

INSTANTIATE_TEST_SUITE_P(Profiles, FaultMatrix, ::testing::ValuesIn(profileSlugs()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (auto& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace linkgate::gateway
