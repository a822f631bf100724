// Issue 15 item 1 ("one slow provider stalls everyone"), over real loopback HTTP with the real
// gateway binary and the real simulator: a provider whose token endpoint is delayed holds only
// its own slots (--provider-concurrency); another provider's callbacks complete meanwhile; the
// delayed provider's waiting browsers get error=temporarily_unavailable at the queue deadline
// and their provider codes are never redeemed (the simulator's journal); /healthz stays fast.
// Then the circuit breaker: consecutive 5xx open it, refreshes and callbacks fail fast without
// a provider call and without harming the credential, and after the cool-down a probe closes it.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "core/http_client.h"
#include "core/params.h"
#include "core/percent.h"
#include "gateway/child_process.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using testing::binaryPath;
using testing::ChildProcess;

const std::string kSecret = "isolation-Secret-41b7";
const HeaderList kApi = {{"Authorization", "Bearer isolation-key"},
                         {"Content-Type", "application/json"}};
const HeaderList kJson = {{"Content-Type", "application/json"}};
constexpr const char* kSlow = "asana";       // the provider we slow down / break
constexpr const char* kOther = "bitbucket";  // the one that must keep flowing
constexpr int kConcurrency = 2;
constexpr auto kQueueTimeout = milliseconds(500);
constexpr int kBreakerFailures = 3;
constexpr auto kCooldown = milliseconds(1000);
constexpr int kDelayMs = 4000;  // well past the queue deadline, below the 8 s call timeout

int64_t msSince(steady_clock::time_point t0) {
  return std::chrono::duration_cast<milliseconds>(steady_clock::now() - t0).count();
}

// A browser that went through /start and the provider's consent and is about to come back.
struct Browser {
  std::string callback;  // the provider's redirect to the gateway, with code and state
  std::string cookie;
  std::string provider_code;
  std::string state;
};

class ProviderIsolationE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack();
    auto sim = ChildProcess::start(
        {binaryPath("LINKGATE_SIMULATOR", "simulator", LINKGATE_BUILT_SIMULATOR), "--port", "0",
         "--auto-approve", "--profiles", testing::sourceDir() + "/fixtures/providers"});
    if (!sim) return void(stack_->error = sim.error().message);
    stack_->sim = std::move(*sim);
    auto gw = ChildProcess::start(
        {binaryPath("LINKGATE_GATEWAY", "gateway", LINKGATE_BUILT_GATEWAY), "--port", "0", "--db",
         (stack_->dir.path() / "gw.db").string(), "--provider-base-url", stack_->sim->url(),
         "--catalogue", testing::sourceDir() + "/gateway/catalogue", "--log-level", "warn",
         // Few workers: without per-provider slots the slow provider would take them all.
         "--workers", "4", "--provider-concurrency", std::to_string(kConcurrency),
         "--provider-queue-timeout", std::to_string(kQueueTimeout.count()) + "ms",
         "--breaker-failures", std::to_string(kBreakerFailures), "--breaker-cooldown",
         std::to_string(kCooldown.count()) + "ms"},
        {"LINKGATE_API_KEY=isolation-key",
         "LINKGATE_MASTER_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="});
    if (!gw) return void(stack_->error = gw.error().message);
    stack_->gw = std::move(*gw);
    for (const char* slug : {kSlow, kOther}) stack_->apps[slug] = registerApp(slug);
    send("POST", stack_->gw->url() + "/v1/redirect-uris",
         dumpJson(Json{{"url", "http://127.0.0.1/done"}}), kApi);
  }
  static void TearDownTestSuite() { delete stack_; }
  void SetUp() override {
    ASSERT_TRUE(stack_->error.empty()) << stack_->error;
    send("DELETE", sim() + "/_sim/faults");
  }

  static std::string gw() { return stack_->gw->url(); }
  static std::string sim() { return stack_->sim->url(); }

  static HttpResponse send(const std::string& method, const std::string& url,
                           const std::string& body = {}, HeaderList headers = {}) {
    CurlHttpClient http;  // one per call: the tests send from several threads
    HttpRequest req;
    req.method = method;
    req.url = url;
    req.body = body;
    req.headers = std::move(headers);
    req.total_timeout = milliseconds(20000);
    auto r = http.send(req);
    EXPECT_TRUE(r) << url << ": " << (r ? "" : r.error().message);
    return r ? *r : HttpResponse{};
  }

  static std::string registerApp(const std::string& slug) {
    send("POST", sim() + "/_sim/clients",
         dumpJson(Json{{"provider", slug}, {"client_id", "iso-" + slug},
                       {"client_secret", kSecret},
                       {"redirect_uris", {gw() + "/link/oauth2/callback/" + slug}}}),
         kJson);
    auto app = send("POST", gw() + "/v1/oauth-apps",
                    dumpJson(Json{{"provider", slug}, {"client_id", "iso-" + slug},
                                  {"client_secret", kSecret}}),
                    kApi);
    if (app.status != 201) return "";
    return Json::parse(app.body)["id"];
  }

  static Browser prepare(const std::string& slug, const std::string& state) {
    Params start;
    start.add("client_id", stack_->apps[slug]);
    start.add("redirect_uri", "http://127.0.0.1:4321/done");
    start.add("state", state);
    auto started = send("GET", gw() + "/link/oauth2/start?" + start.toQuery());
    EXPECT_EQ(started.status, 302) << started.body;
    const std::string cookie = started.header("Set-Cookie").value_or("");
    auto consent = send("GET", started.header("Location").value_or(""));
    EXPECT_EQ(consent.status, 302) << consent.body;
    Browser b;
    b.callback = consent.header("Location").value_or("");
    b.cookie = cookie.substr(0, cookie.find(';'));
    b.provider_code = testing::queryOf(b.callback).get("code").value_or("");
    b.state = state;
    EXPECT_FALSE(b.provider_code.empty()) << b.callback;
    return b;
  }

  struct Back {
    HttpResponse response;
    int64_t ms = 0;
    Params query;  // of the redirect to the integrator
  };
  static Back comeBack(const Browser& b) {
    const auto t0 = steady_clock::now();
    Back back;
    back.response = send("GET", b.callback, {}, {{"Cookie", b.cookie}});
    back.ms = msSince(t0);
    const std::string location = back.response.header("Location").value_or("");
    EXPECT_TRUE(location.starts_with("http://127.0.0.1:4321/done?")) << back.response.status
                                                                      << " " << location;
    back.query = testing::queryOf(location);
    EXPECT_EQ(back.query.get("state").value_or(""), b.state);
    return back;
  }

  static int64_t journalMark() {
    auto j = Json::parse(send("GET", sim() + "/_sim/journal").body);
    return j["entries"].empty() ? 0 : j["entries"].back()["seq"].get<int64_t>();
  }
  static Json journal(const std::string& slug, int64_t since) {
    return Json::parse(
        send("GET", sim() + "/_sim/journal?provider=" + slug + "&since=" + std::to_string(since))
            .body)["entries"];
  }
  static std::vector<Json> entries(const Json& all, const std::string& endpoint) {
    std::vector<Json> out;
    for (const auto& e : all) {
      if (e["endpoint"] == endpoint) out.push_back(e);
    }
    return out;
  }

  // The value of one /metrics series, e.g. linkgate_provider_circuit_state{provider="asana"}.
  static std::optional<int64_t> metric(const std::string& series) {
    const std::string text = send("GET", gw() + "/metrics").body;
    const size_t at = text.find("\n" + series + " ");
    if (at == std::string::npos) return std::nullopt;
    return std::stoll(text.substr(at + series.size() + 2));
  }
  static std::string series(const std::string& name, const std::string& slug) {
    return name + "{provider=\"" + slug + "\"}";
  }

  static void armFault(const Json& fault) {
    auto armed = send("POST", sim() + "/_sim/faults", dumpJson(fault), kJson);
    ASSERT_EQ(armed.status, 201) << armed.body;
  }

  struct Stack {
    std::string error;
    std::unique_ptr<ChildProcess> sim, gw;
    std::map<std::string, std::string> apps;
    testing::TempDir dir;
  };
  static inline Stack* stack_ = nullptr;
};

TEST_F(ProviderIsolationE2E, OneSlowProviderDoesNotStallTheOthers) {
  constexpr int kSlowBrowsers = 10;
  constexpr int kOtherBrowsers = 3;
  std::vector<Browser> slow, other;
  for (int i = 0; i < kSlowBrowsers; ++i) {
    slow.push_back(prepare(kSlow, "slow-" + std::to_string(i)));
  }
  for (int i = 0; i < kOtherBrowsers; ++i) {
    other.push_back(prepare(kOther, "other-" + std::to_string(i)));
  }
  const int64_t mark = journalMark();
  armFault({{"provider", kSlow}, {"endpoint", "token"}, {"kind", "delay"}, {"delay_ms", kDelayMs},
            {"count", 1000}});

  std::vector<std::future<Back>> slow_backs;
  for (const auto& b : slow) {
    slow_backs.push_back(std::async(std::launch::async, [&b] { return comeBack(b); }));
  }
  // Synchronise on the provider: its slots are taken once its journal shows the pending calls.
  const auto wait0 = steady_clock::now();
  while (entries(journal(kSlow, mark), "token").size() < static_cast<size_t>(kConcurrency)) {
    ASSERT_LT(msSince(wait0), 5000) << "the slow provider never got its token requests";
    std::this_thread::sleep_for(milliseconds(10));  // polling a condition, not a guess
  }
  // The gateway stays responsive while the delayed calls are pending.
  for (int probe = 0; probe < 5; ++probe) {
    const auto t0 = steady_clock::now();
    auto health = send("GET", gw() + "/healthz");
    const int64_t ms = msSince(t0);
    EXPECT_EQ(health.status, 200);
    EXPECT_LT(ms, 50) << "GET /healthz took " << ms << " ms while " << kSlow << " is slow";
  }
  // Callbacks of another provider complete promptly (they do not wait behind the slow one).
  std::vector<std::future<Back>> other_backs;
  for (const auto& b : other) {
    other_backs.push_back(std::async(std::launch::async, [&b] { return comeBack(b); }));
  }
  for (auto& f : other_backs) {
    Back back = f.get();
    EXPECT_TRUE(back.query.has("code")) << back.response.header("Location").value_or("");
    EXPECT_LT(back.ms, 1500) << kOther << " callback waited behind " << kSlow;
  }

  int completed = 0, refused = 0;
  std::vector<std::string> refused_codes;
  for (size_t i = 0; i < slow_backs.size(); ++i) {
    Back back = slow_backs[i].get();
    if (back.query.has("code")) {
      ++completed;
      EXPECT_GE(back.ms, kDelayMs - 500);  // one of the delayed calls that held a slot
      continue;
    }
    ++refused;
    refused_codes.push_back(slow[i].provider_code);
    EXPECT_EQ(back.query.get("error").value_or(""), "temporarily_unavailable");
    EXPECT_FALSE(back.query.get("error_description").value_or("").empty());
    // Refused at the queue deadline: well before the provider answers, and long before the
    // browser's own timeout.
    EXPECT_GE(back.ms, kQueueTimeout.count() - 50);
    EXPECT_LT(back.ms, kQueueTimeout.count() + 1500) << "refused too late";
  }
  EXPECT_EQ(completed, kConcurrency);
  EXPECT_EQ(refused, kSlowBrowsers - kConcurrency);

  // Every delayed call is answered by now; the journal says which codes were ever redeemed.
  const Json after = journal(kSlow, mark);
  const auto tokens = entries(after, "token");
  EXPECT_EQ(tokens.size(), static_cast<size_t>(kConcurrency));
  for (const auto& e : tokens) {
    const std::string body = e["body"];
    for (const auto& code : refused_codes) {
      EXPECT_EQ(body.find(percentEncode(code)), std::string::npos)
          << "a refused browser's code was redeemed: " << body;
      EXPECT_EQ(body.find(code), std::string::npos);
    }
  }
  EXPECT_EQ(metric(series("linkgate_provider_queue_timeouts_total", kSlow)),
            kSlowBrowsers - kConcurrency);
  EXPECT_EQ(metric(series("linkgate_provider_in_flight", kSlow)), 0);
  EXPECT_EQ(metric(series("linkgate_provider_queued", kSlow)), 0);
  EXPECT_EQ(metric(series("linkgate_provider_circuit_state", kSlow)), 0);  // slow, not failing
}

TEST_F(ProviderIsolationE2E, BreakerOpensFailsFastWithoutHarmAndRecovers) {
  // A real credential with a refresh token the simulator honours.
  const Browser linked = prepare(kSlow, "link");
  const Back back = comeBack(linked);
  ASSERT_TRUE(back.query.has("code"));
  auto token = send("POST", gw() + "/link/oauth2/token",
                    "code=" + percentEncode(*back.query.get("code")) +
                        "&client_id=" + stack_->apps[kSlow] + "&client_secret=" + kSecret,
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(token.status, 200) << token.body;
  const std::string id = Json::parse(token.body)["credential"]["id"];
  const std::string cred_url = gw() + "/v1/credentials/" + id;
  auto refresh_token = [&] {
    auto c = send("GET", cred_url + "?truncate_secrets=false", {}, kApi);
    return Json::parse(c.body)["properties"].value("refresh_token", "");
  };
  const std::string rt_before = refresh_token();
  ASSERT_FALSE(rt_before.empty());

  // N consecutive 5xx open the circuit.
  armFault({{"provider", kSlow}, {"endpoint", "refresh"}, {"kind", "status"}, {"status", 503},
            {"count", kBreakerFailures}});
  for (int i = 0; i < kBreakerFailures; ++i) {
    auto failed = send("POST", cred_url + "/refresh", {}, kApi);
    EXPECT_EQ(failed.status, 502) << failed.body;
  }
  EXPECT_EQ(metric(series("linkgate_provider_circuit_state", kSlow)), 1);
  EXPECT_EQ(metric(series("linkgate_provider_circuit_state", kOther)), 0);

  // Open: refreshes fail fast with a clear JSON 503, nothing reaches the provider, the
  // credential is untouched.
  const int64_t mark = journalMark();
  const Browser during = prepare(kSlow, "during");
  const int64_t mark_callbacks = journalMark();
  auto open = send("POST", cred_url + "/refresh", {}, kApi);
  EXPECT_EQ(open.status, 503) << open.body;
  const Json err = Json::parse(open.body);
  EXPECT_EQ(err["error"], "temporarily_unavailable");
  EXPECT_EQ(err["error_id"], "provider_unavailable");
  EXPECT_FALSE(err["error_description"].get<std::string>().empty());
  const int retry_after = std::stoi(open.header("Retry-After").value_or("0"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 1 + kCooldown.count() / 1000);
  auto access = send("GET", cred_url + "/access-token", {}, kApi);  // still fresh: served
  EXPECT_EQ(access.status, 200) << access.body;
  // A callback while open: the browser goes back at once, its code is not redeemed.
  const Back refused = comeBack(during);
  EXPECT_EQ(refused.query.get("error").value_or(""), "temporarily_unavailable");
  EXPECT_LT(refused.ms, 1000);
  EXPECT_TRUE(journal(kSlow, mark_callbacks).empty()) << journal(kSlow, mark_callbacks).dump();
  auto cred = Json::parse(send("GET", cred_url, {}, kApi).body);
  EXPECT_EQ(cred["health"]["status"], "ok");
  EXPECT_EQ(refresh_token(), rt_before);
  // The other provider is not affected.
  EXPECT_TRUE(comeBack(prepare(kOther, "other")).query.has("code"));

  // After the cool-down the circuit is half-open; one successful probe closes it.
  const auto wait0 = steady_clock::now();
  while (metric(series("linkgate_provider_circuit_state", kSlow)) != 2) {
    ASSERT_LT(msSince(wait0), kCooldown.count() + 5000) << "the circuit never turned half-open";
    std::this_thread::sleep_for(milliseconds(20));  // polling a condition, not a guess
  }
  auto probe = send("POST", cred_url + "/refresh", {}, kApi);
  EXPECT_EQ(probe.status, 200) << probe.body;
  EXPECT_EQ(metric(series("linkgate_provider_circuit_state", kSlow)), 0);
  EXPECT_EQ(entries(journal(kSlow, mark), "refresh").size(), 1u);
  EXPECT_TRUE(comeBack(prepare(kSlow, "after")).query.has("code"));
}

}  // namespace
}  // namespace linkgate::gateway
