// The background refresher end to end (issue 13): the real simulator as the provider, real
// gateway processes with --refresh-interval, hours (and months) of simulated time. The
// simulator's clock moves by POST /_sim/clock and the gateways' by the same seconds through
// --clock-file (test-only seam). Nobody calls the API for a token: what the simulator's journal
// shows as refresh requests is the refresher's doing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "core/json.h"
#include "core/params.h"
#include "gateway/pg_stack.h"
#include "gateway/test_support.h"

namespace linkgate::gateway::testing {
namespace {

using std::chrono::steady_clock;

struct Entry {
  int64_t seq;
  int status;
  std::string body;
};

class RefresherStack {
 public:
  // engine: "sqlite" or "postgresql"; instances: gateway processes on the one database.
  static std::unique_ptr<RefresherStack> start(const std::string& engine, size_t instances,
                                               std::vector<std::string> extra = {}) {
    auto r = std::unique_ptr<RefresherStack>(new RefresherStack());
    r->clock_file_ = (r->dir_.path() / "clock").string();
    r->writeOffset(0);
    PgStackOptions o;
    o.gateways = instances;
    if (engine == "sqlite") o.db = (r->dir_.path() / "gw.db").string();
    o.gateway_args = {"--refresh-interval",    "100ms", "--refresh-window", "600",
                      "--refresh-concurrency", "2",     "--clock-file",     r->clock_file_};
    o.gateway_args.insert(o.gateway_args.end(), extra.begin(), extra.end());
    auto s = PgStack::start(o);
    if (!s) {
      ADD_FAILURE() << s.error().message;
      return nullptr;
    }
    r->s = std::move(*s);
    return r;
  }

  // Moves the simulator and every gateway forward by `seconds`.
  void advance(int64_t seconds) {
    auto r = s->call("POST", s->simulator->url() + "/_sim/clock",
                     dumpJson(Json{{"advance_seconds", seconds}}),
                     {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
    writeOffset(offset_ + seconds);
  }

  // A linked credential of `provider` (a flow through instance 0); returns its id.
  std::string link(const std::string& app, const std::string& secret,
                   const std::string& provider = "generic") {
    auto started = s->startFlow(0, app, provider);
    EXPECT_TRUE(started) << started.error().message;
    if (!started) return "";
    auto code = s->finishFlow(0, *started);
    EXPECT_TRUE(code) << code.error().message;
    if (!code) return "";
    auto token = s->redeem(0, app, secret, *code);
    EXPECT_EQ(token.status, 200) << token.body;
    return Json::parse(token.body)["credential"]["id"].get<std::string>();
  }

  // Refresh requests at the provider after `mark`.
  std::vector<Entry> refreshes(int64_t mark, const std::string& provider = "generic") {
    auto r = s->call("GET", s->simulator->url() + "/_sim/journal?provider=" + provider);
    std::vector<Entry> out;
    auto j = parseJsonObject(r.body);
    if (!j) return out;
    for (const auto& e : (*j)["entries"]) {
      if (e.value("seq", int64_t{0}) > mark && e.value("endpoint", "") == "refresh") {
        out.push_back({e["seq"].get<int64_t>(), e.value("status", 0), e.value("body", "")});
      }
    }
    return out;
  }

  // Polls (no fixed sleep decides anything) until pred() or the timeout passes.
  template <class P>
  bool waitFor(P pred, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    const auto deadline = steady_clock::now() + timeout;
    while (steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return pred();
  }

  Json credential(const std::string& id) {
    auto r = s->api(0, "GET", "/v1/credentials/" + id + "?truncate_secrets=false");
    auto j = parseJsonObject(r.body);
    return j ? *j : Json();
  }
  std::string health(const std::string& id) { return credential(id)["health"].value("status", ""); }
  // linkgate_refreshes_total{provider="generic",outcome="transient"} of instance 0.
  size_t transientRefreshes() {
    const std::string body = s->call("GET", s->url(0) + "/metrics").body;
    const std::string key =
        "linkgate_refreshes_total{provider=\"generic\",outcome=\"transient\"} ";
    const auto at = body.find(key);
    return at == std::string::npos ? 0 : std::stoul(body.substr(at + key.size()));
  }

  std::unique_ptr<PgStack> s;

 private:
  RefresherStack() = default;
  void writeOffset(int64_t offset) {
    offset_ = offset;
    const std::string tmp = clock_file_ + ".tmp";
    std::ofstream(tmp) << offset << "\n";
    std::filesystem::rename(tmp, clock_file_);  // atomic: the gateway never reads half a file
  }
  TempDir dir_;
  std::string clock_file_;
  int64_t offset_ = 0;
};

std::string refreshTokenOf(const std::string& body) {
  if (auto j = parseJsonObject(body)) return j->value("refresh_token", "");
  auto p = Params::parse(body);
  if (!p) return "";
  return p->get("refresh_token").value_or("");
}

class Refresher : public ::testing::TestWithParam<std::string> {};

// Six hours of simulated time, strict rotation: each hour the credential (a 1-hour token) comes
// into the 10-minute window and is refreshed once, with the refresh token the last refresh
// issued; a credential far from expiry is left alone.
TEST_P(Refresher, RefreshesWhatExpiresWithinTheWindowWithoutAnyoneAsking) {
  auto r = RefresherStack::start(GetParam(), 1);
  ASSERT_NE(r, nullptr);
  auto app = r->s->createApp("rf-hours", "rf-hours-secret");
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(r->s->call("POST", r->s->simulator->url() + "/_sim/providers/generic/behaviour",
                       R"({"rotation":"strict"})", {{"Content-Type", "application/json"}})
                .status,
            200);
  const std::string id = r->link(*app, "rf-hours-secret");
  auto mark = r->s->journalMark();
  ASSERT_TRUE(mark);
  std::string last_access = r->credential(id)["properties"].value("access_token", "");
  std::set<std::string> used_refresh_tokens;
  for (int hour = 1; hour <= 6; ++hour) {
    r->advance(3000);  // 50 minutes: 10 minutes left, at the window's edge
    ASSERT_TRUE(r->waitFor([&] { return r->refreshes(*mark).size() == static_cast<size_t>(hour); }))
        << "hour " << hour << ": " << r->refreshes(*mark).size() << " refreshes";
    auto all = r->refreshes(*mark);
    EXPECT_EQ(all.back().status, 200) << "hour " << hour;
    EXPECT_TRUE(used_refresh_tokens.insert(refreshTokenOf(all.back().body)).second)
        << "hour " << hour << ": a refresh token was used twice";
    ASSERT_TRUE(r->waitFor(
        [&] { return r->credential(id)["properties"].value("access_token", "") != last_access; }));
    last_access = r->credential(id)["properties"].value("access_token", "");
    EXPECT_EQ(r->health(id), "ok");
    r->advance(600);  // the rest of the hour: the new token has 50 minutes left, not due
  }
  EXPECT_EQ(r->refreshes(*mark).size(), 6u);
}

// A 503 at the provider is transient: retried with backoff, health stays ok meanwhile.
TEST_P(Refresher, A503IsRetriedAndHealthStaysOk) {
  auto r = RefresherStack::start(GetParam(), 1);
  ASSERT_NE(r, nullptr);
  auto app = r->s->createApp("rf-503", "rf-503-secret");
  ASSERT_TRUE(app) << app.error().message;
  const std::string id = r->link(*app, "rf-503-secret");
  auto fault = r->s->call("POST", r->s->simulator->url() + "/_sim/faults",
                          R"({"provider":"generic","endpoint":"refresh","kind":"status",)"
                          R"("status":503,"count":2})",
                          {{"Content-Type", "application/json"}});
  ASSERT_EQ(fault.status, 201) << fault.body;
  auto mark = r->s->journalMark();
  ASSERT_TRUE(mark);
  r->advance(3300);
  for (size_t failed = 1; failed <= 2; ++failed) {
    ASSERT_TRUE(r->waitFor([&] { return r->refreshes(*mark).size() == failed; }))
        << r->refreshes(*mark).size();
    EXPECT_EQ(r->refreshes(*mark).back().status, 503);
    // Counted as transient only once the gateway has the answer: its retry time is then taken
    // from the clock before the jump, not after it.
    ASSERT_TRUE(r->waitFor([&] { return r->transientRefreshes() == failed; }))
        << r->transientRefreshes();
    EXPECT_EQ(r->health(id), "ok") << "a transient failure changed the health";
    r->advance(130);  // past the backoff (30 s, then up to 60 s) but still before expiry
  }
  ASSERT_TRUE(r->waitFor([&] { return r->refreshes(*mark).size() == 3; }));
  EXPECT_EQ(r->refreshes(*mark).back().status, 200);
  EXPECT_EQ(r->health(id), "ok");
}

// invalid_grant is permanent: health `error`, the event, and no further attempt however long
// the credential stays due. A second credential linked afterwards and refreshed later proves
// that passes ran meanwhile.
TEST_P(Refresher, InvalidGrantMarksHealthErrorAndStopsRetrying) {
  auto r = RefresherStack::start(GetParam(), 1);
  ASSERT_NE(r, nullptr);
  auto app = r->s->createApp("rf-dead", "rf-dead-secret");
  ASSERT_TRUE(app) << app.error().message;
  const std::string dead = r->link(*app, "rf-dead-secret");
  auto fault = r->s->call("POST", r->s->simulator->url() + "/_sim/faults",
                          R"({"provider":"generic","endpoint":"refresh","kind":"invalid_grant"})",
                          {{"Content-Type", "application/json"}});
  ASSERT_EQ(fault.status, 201) << fault.body;
  auto mark = r->s->journalMark();
  ASSERT_TRUE(mark);
  r->advance(3300);
  ASSERT_TRUE(r->waitFor([&] { return r->health(dead) == "error"; })) << r->credential(dead);
  ASSERT_EQ(r->refreshes(*mark).size(), 1u);
  EXPECT_EQ(r->refreshes(*mark)[0].status, 400);
  const std::string witness = r->link(*app, "rf-dead-secret");
  for (int hour = 1; hour <= 3; ++hour) {
    r->advance(3300);
    ASSERT_TRUE(r->waitFor([&] { return r->refreshes(*mark).size() == 1u + hour; }))
        << "hour " << hour << ": the witness was not refreshed";
    EXPECT_EQ(r->refreshes(*mark).back().status, 200);
  }
  EXPECT_EQ(r->refreshes(*mark).size(), 4u) << "the dead credential was tried again";
  EXPECT_EQ(r->health(dead), "error");
  EXPECT_EQ(r->health(witness), "ok");
}

INSTANTIATE_TEST_SUITE_P(Engines, Refresher, ::testing::Values("sqlite", "postgresql"));

// Two instances on one PostgreSQL database, 16 credentials, three hours: each credential is
// refreshed exactly once per hour, by one of them (counted at the simulator's journal).
TEST(RefresherTwoInstances, EachCredentialIsRefreshedByExactlyOneInstance) {
  auto r = RefresherStack::start("postgresql", 2);
  ASSERT_NE(r, nullptr);
  auto app = r->s->createApp("rf-two", "rf-two-secret");
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(r->s->call("POST", r->s->simulator->url() + "/_sim/providers/generic/behaviour",
                       R"({"rotation":"strict"})", {{"Content-Type", "application/json"}})
                .status,
            200);
  constexpr size_t kCredentials = 16;
  std::map<std::string, std::string> access;  // credential id -> its current access token
  for (size_t i = 0; i < kCredentials; ++i) {
    const std::string id = r->link(*app, "rf-two-secret");
    ASSERT_FALSE(id.empty());
    access[id] = r->credential(id)["properties"].value("access_token", "");
  }
  auto mark = r->s->journalMark();
  ASSERT_TRUE(mark);
  for (size_t hour = 1; hour <= 3; ++hour) {
    r->advance(3000);
    ASSERT_TRUE(r->waitFor([&] { return r->refreshes(*mark).size() >= kCredentials * hour; }))
        << "hour " << hour << ": " << r->refreshes(*mark).size();
    // A refresh seen at the provider is not yet stored: moving the clock on before every
    // instance has stored its answer would expire the 120 s lease of a refresh still in flight
    // (and CI's load makes that window wide). Wait for every credential's new access token.
    for (auto& [id, token] : access) {
      ASSERT_TRUE(r->waitFor([&, &id = id, &token = token] {
        return r->credential(id)["properties"].value("access_token", "") != token;
      })) << "hour " << hour << ": credential " << id << " not stored";
      token = r->credential(id)["properties"].value("access_token", "");
    }
    r->advance(600);
  }
  // Both instances keep passing (every 100 ms) while nothing is due: no refresh comes late.
  EXPECT_FALSE(r->waitFor([&] { return r->refreshes(*mark).size() > kCredentials * 3; },
                          std::chrono::milliseconds(1000)));
  auto all = r->refreshes(*mark);
  EXPECT_EQ(all.size(), kCredentials * 3);
  std::map<std::string, int> per_token;
  for (const auto& e : all) {
    EXPECT_EQ(e.status, 200) << e.body;
    ++per_token[refreshTokenOf(e.body)];
  }
  EXPECT_EQ(per_token.size(), kCredentials * 3) << "a refresh token was sent twice";
}

// Xero revokes refresh tokens unused for 60 days (catalogue refresh.idle_revocation_days): with
// access tokens that never expire, only the refresher's idle exercise keeps the link alive
// across 120 days.
TEST(RefresherIdle, ExercisesRefreshTokensBeforeTheProviderRevokesThemForIdleness) {
  auto r = RefresherStack::start("sqlite", 1);
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->s->call("POST", r->s->simulator->url() + "/_sim/providers/xero/behaviour",
                       R"({"access_token_ttl_seconds":0})", {{"Content-Type", "application/json"}})
                .status,
            200);
  auto app = r->s->createApp("rf-xero", "rf-xero-secret", "xero");
  ASSERT_TRUE(app) << app.error().message;
  const std::string id = r->link(*app, "rf-xero-secret", "xero");
  ASSERT_FALSE(id.empty());
  EXPECT_FALSE(r->credential(id)["properties"].contains("expires_at"));
  auto mark = r->s->journalMark();
  ASSERT_TRUE(mark);
  std::string last_access = r->credential(id)["properties"].value("access_token", "");
  for (size_t round = 1; round <= 3; ++round) {
    r->advance(54 * 86400);  // idle 54 days: past 60 - 7 (the default idle margin)
    ASSERT_TRUE(r->waitFor([&] { return r->refreshes(*mark, "xero").size() == round; }))
        << "round " << round << ": " << r->refreshes(*mark, "xero").size();
    EXPECT_EQ(r->refreshes(*mark, "xero").back().status, 200) << "round " << round;
    // Stored before the next jump (which would otherwise expire the lease of a refresh in flight).
    ASSERT_TRUE(r->waitFor([&] {
      return r->credential(id)["properties"].value("access_token", "") != last_access;
    })) << "round " << round;
    last_access = r->credential(id)["properties"].value("access_token", "");
    EXPECT_EQ(r->health(id), "ok");
  }
}

}  // namespace
}  // namespace linkgate::gateway::testing
