// Webhooks end to end (issue #13): real gateway processes, the real simulator as the provider,
// a real receiver on loopback (port 0), and every received signature checked by the
// standardwebhooks npm package (tests/webhooks/verify.js) — not by the gateway's own code.
// PostgreSQL: two instances on one database (each event delivered by one of them); a real
// link flow -> credential.created, DELETE -> credential.deleted, a receiver answering 500 then
// 200 -> retried, SIGKILL with deliveries pending -> delivered after a restart, redelivery.
// SQLite: one instance, import -> created, SIGKILL with pending -> delivered after restart.
#include <gtest/gtest.h>
#include <signal.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>

#include "core/json.h"
#include "gateway/pg_stack.h"
#include "gateway/test_support.h"
#include "web/server.h"

namespace linkgate::gateway::testing {
namespace {

using namespace std::chrono_literals;

// A webhook receiver: records what arrives, answers the scripted statuses, then 204.
class Receiver {
 public:
  struct Got {
    HeaderList headers;
    std::string body;
    int answered = 0;
  };
  Receiver() : server_({}, [this](web::Request r, web::Responder respond) {
      int status = 204;
      {
        std::lock_guard lock(mu_);
        if (!script_.empty()) {
          status = script_.front();
          if (script_.size() > 1 || !sticky_) script_.erase(script_.begin());
        }
        got_.push_back({r.headers, r.body, status});
      }
      cv_.notify_all();
      respond(web::Response::text(status, "ok"));
    }) {
    EXPECT_TRUE(server_.start());
  }
  std::string url() const { return server_.baseUrl() + "/hooks/linkgate"; }
  // The next answers; sticky: the last one repeats.
  void script(std::vector<int> statuses, bool sticky = false) {
    std::lock_guard lock(mu_);
    script_ = std::move(statuses);
    sticky_ = sticky;
  }
  // Waits until pred(all received) holds; false after 30 s.
  template <class P>
  bool waitFor(P pred) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return pred(got_); });
  }
  std::vector<Got> all() {
    std::lock_guard lock(mu_);
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Got> got_;
  std::vector<int> script_;
  bool sticky_ = false;
  web::Server server_;
};

std::string header(const Receiver::Got& g, const char* name) {
  return findHeader(g.headers, name).value_or("");
}

// Deliveries with that webhook-id.
std::vector<Receiver::Got> withId(const std::vector<Receiver::Got>& all, const std::string& id) {
  std::vector<Receiver::Got> out;
  for (const auto& g : all) {
    if (header(g, "webhook-id") == id) out.push_back(g);
  }
  return out;
}

// The first delivery of an event of type about credential (empty id: any).
std::optional<Receiver::Got> find(const std::vector<Receiver::Got>& all, const std::string& type,
                                  const std::string& credential) {
  for (const auto& g : all) {
    auto j = parseJson(g.body);
    if (j && j->value("type", "") == type &&
        (credential.empty() || (*j)["data"].value("credential_id", "") == credential)) {
      return g;
    }
  }
  return std::nullopt;
}

// Runs tests/webhooks/verify.js (node + standardwebhooks) on the deliveries.
Json verifyWithStandardWebhooks(const std::string& secret, const std::vector<Receiver::Got>& got) {
  TempDir dir;
  Json input = {{"secret", secret}, {"deliveries", Json::array()}};
  for (const auto& g : got) {
    Json h = Json::object();
    for (const auto& [k, v] : g.headers) h[k] = v;
    input["deliveries"].push_back({{"headers", h}, {"body", g.body}});
  }
  const auto file = dir.path() / "in.json";
  std::ofstream(file) << dumpJson(input);
  const std::string cmd = std::string(LINKGATE_NODE) + " " + sourceDir() +
                          "/tests/webhooks/verify.js " + file.string() + " 2>&1";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    ::pclose(p);
  }
  auto j = parseJson(out);
  EXPECT_TRUE(j && j->is_array()) << "verify.js (run `npm ci` in tests/webhooks): " << out;
  return j && j->is_array() ? *j : Json::array();
}

void expectVerified(const std::string& secret, const std::vector<Receiver::Got>& got) {
  ASSERT_FALSE(got.empty());
  Json results = verifyWithStandardWebhooks(secret, got);
  ASSERT_EQ(results.size(), got.size());
  for (const auto& r : results) EXPECT_TRUE(r.value("ok", false)) << r.dump();
  // The verifier can say no: the same deliveries with one byte changed fail.
  auto tampered = got;
  tampered[0].body.back() = tampered[0].body.back() == '}' ? ' ' : '}';
  Json bad = verifyWithStandardWebhooks(secret, {tampered[0]});
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_FALSE(bad[0].value("ok", true)) << "a tampered body must not verify";
}

const std::vector<std::string> kWebhookFlags = {
    "--webhook-poll-ms", "50", "--webhook-retry-base-ms", "200", "--webhook-timeout-ms", "1000"};

PgStack& stack() {
  static std::string error;
  static std::unique_ptr<PgStack> s = [] {
    PgStackOptions o;
    o.gateways = 2;
    o.gateway_args = kWebhookFlags;
    auto started = PgStack::start(o);
    if (!started) error = started.error().message;
    return started ? std::move(*started) : nullptr;
  }();
  if (!s) ADD_FAILURE() << "stack: " << error;
  return *s;
}

// A webhook for every event type at receiver, created through instance i; deleted when the
// test ends, so a later test's receiver (perhaps on the same port) gets nothing of it.
struct Subscription {
  PgStack& s;
  std::string id, secret;
  ~Subscription() {
    if (!id.empty()) s.api(0, "DELETE", "/v1/webhooks/" + id);
  }
};

std::unique_ptr<Subscription> subscribe(PgStack& s, size_t i, const Receiver& receiver) {
  auto r = s.api(i, "POST", "/v1/webhooks",
                 dumpJson(Json{{"url", receiver.url()},
                               {"events", {"credential.created", "credential.updated",
                                           "credential.refresh_failed", "credential.deleted"}}}));
  EXPECT_EQ(r.status, 201) << r.body;
  auto sub = std::make_unique<Subscription>(Subscription{s, "", ""});
  if (auto j = parseJsonObject(r.body)) {
    sub->id = (*j)["id"].get<std::string>();
    sub->secret = (*j)["secret"].get<std::string>();
  }
  return sub;
}

std::string importCredential(PgStack& s, size_t i, const std::string& app, const std::string& n) {
  auto r = s.api(i, "POST", "/v1/credentials",
                 dumpJson(Json{{"oauth_app_id", app},
                               {"provider_account_id", "acct-" + n},
                               {"properties", {{"access_token", "imported-token-" + n}}}}));
  EXPECT_EQ(r.status, 201) << r.body;
  auto j = parseJsonObject(r.body);
  return j ? j->value("id", "") : "";
}

TEST(WebhooksPg, ARealFlowAndADeleteAreToldOnceSignedAndTokenFree) {
  PgStack& s = stack();
  Receiver receiver;
  auto sub = subscribe(s, 0, receiver);
  const std::string hook = sub->id, secret = sub->secret;
  ASSERT_TRUE(secret.starts_with("whsec_"));
  auto listed = s.api(1, "GET", "/v1/webhooks/" + hook);
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.find(secret.substr(6)), std::string::npos) << "secret shown once";
  auto app = s.createApp("wh-flow", "wh-flow-secret");
  ASSERT_TRUE(app) << app.error().message;
  auto started = s.startFlow(0, *app, "generic", "end-user-7");
  ASSERT_TRUE(started) << started.error().message;
  auto code = s.finishFlow(1, *started);
  ASSERT_TRUE(code) << code.error().message;
  auto token = s.redeem(0, *app, "wh-flow-secret", *code);
  ASSERT_EQ(token.status, 200) << token.body;
  const Json answer = Json::parse(token.body);
  const std::string id = answer["credential"]["id"];
  const std::string access_token = answer["credential"]["properties"]["access_token"];
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) {
    return find(all, "credential.created", id).has_value();
  }));
  auto created = *find(receiver.all(), "credential.created", id);
  EXPECT_EQ(created.body.find(access_token), std::string::npos) << "no token in a payload";
  EXPECT_EQ(Json::parse(created.body)["data"]["health"]["status"], "ok");
  EXPECT_EQ(Json::parse(created.body)["data"]["end_user_id"], "end-user-7");
  expectVerified(secret, {created});

  ASSERT_EQ(s.api(1, "DELETE", "/v1/credentials/" + id).status, 204);
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) {
    return find(all, "credential.deleted", id).has_value();
  }));
  expectVerified(secret, {*find(receiver.all(), "credential.deleted", id)});
  // Ten more events through both instances: each delivered by exactly one of them, once.
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(importCredential(s, i % 2, *app, std::to_string(i)));
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) {
    for (const auto& c : ids) {
      if (!find(all, "credential.created", c)) return false;
    }
    return true;
  }));
  auto log = s.api(0, "GET", "/v1/webhooks/" + hook + "/deliveries");
  ASSERT_EQ(log.status, 200) << log.body;
  const Json data = Json::parse(log.body)["data"];
  EXPECT_EQ(data.size(), 12u);
  for (const auto& d : data) {
    if (d["status"] != "delivered") continue;  // a later assertion names any that is not
    EXPECT_EQ(d["attempts"], 1) << d.dump();
  }
  for (const auto& c : ids) {
    auto g = find(receiver.all(), "credential.created", c);
    EXPECT_EQ(withId(receiver.all(), header(*g, "webhook-id")).size(), 1u) << c;
  }
}

TEST(WebhooksPg, AReceiverAnswering500ThenOkIsRetriedAndRedeliveryResends) {
  PgStack& s = stack();
  Receiver receiver;
  auto sub = subscribe(s, 1, receiver);
  const std::string hook = sub->id, secret = sub->secret;
  auto app = s.createApp("wh-retry", "wh-retry-secret");
  ASSERT_TRUE(app);
  receiver.script({500, 500, 200});
  const std::string id = importCredential(s, 0, *app, "retry");
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) {
    return all.size() >= 3 && all.back().answered == 200;
  }));
  auto got = receiver.all();
  const std::string msg = header(got[0], "webhook-id");
  EXPECT_EQ(withId(got, msg).size(), 3u) << "the same webhook-id on every attempt";
  expectVerified(secret, got);
  auto log = Json::parse(s.api(0, "GET", "/v1/webhooks/" + hook + "/deliveries").body)["data"];
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["status"], "delivered");
  EXPECT_EQ(log[0]["attempts"], 3);
  EXPECT_EQ(log[0]["last_status_code"], 200);
  EXPECT_EQ(log[0]["event_id"], msg);
  auto re = s.api(1, "POST",
                  "/v1/webhooks/" + hook + "/deliveries/" + log[0]["id"].get<std::string>() +
                      "/redeliver");
  ASSERT_EQ(re.status, 202) << re.body;
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) { return withId(all, msg).size() == 4; }));
  expectVerified(secret, {receiver.all().back()});
  EXPECT_EQ(s.api(0, "POST", "/v1/webhooks/" + hook + "/deliveries/" + id + "/redeliver").status,
            404);
  // Re-import of the same provider account: credential.updated. A refresh token the provider
  // does not know: the refresh is refused for good -> credential.refresh_failed, health error.
  auto again = s.api(1, "POST", "/v1/credentials",
                     dumpJson(Json{{"oauth_app_id", *app},
                                   {"provider_account_id", "acct-retry"},
                                   {"properties", {{"access_token", "at-2"},
                                                   {"refresh_token", "rt-unknown-to-sim"}}}}));
  ASSERT_EQ(again.status, 200) << again.body;
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) {
    return find(all, "credential.updated", id).has_value();
  }));
  auto refresh = s.api(0, "POST", "/v1/credentials/" + id + "/refresh");
  EXPECT_EQ(refresh.status, 502) << refresh.body;
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) {
    return find(all, "credential.refresh_failed", id).has_value();
  }));
  auto failed = *find(receiver.all(), "credential.refresh_failed", id);
  EXPECT_EQ(Json::parse(failed.body)["data"]["health"]["status"], "error");
  EXPECT_EQ(failed.body.find("rt-unknown-to-sim"), std::string::npos);
  expectVerified(secret, {*find(receiver.all(), "credential.updated", id), failed});
}

TEST(WebhooksPg, KilledWithDeliveriesPendingDeliversAfterRestart) {
  PgStack& s = stack();
  Receiver receiver;
  auto sub = subscribe(s, 0, receiver);
  const std::string hook = sub->id, secret = sub->secret;
  auto app = s.createApp("wh-kill", "wh-kill-secret");
  ASSERT_TRUE(app);
  receiver.script({503}, true);
  const std::string id = importCredential(s, 1, *app, "kill");
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) { return !all.empty(); }));
  for (auto& gw : s.gateways) ::kill(gw->pid(), SIGKILL);
  s.gateways.clear();
  receiver.script({});
  std::vector<std::string> argv = {PgStack::binary("gateway"), "--port", "0", "--db", s.db_uri,
                                   "--db-pool", "4", "--provider-base-url", s.simulator->url(),
                                   "--public-url", s.public_url, "--catalogue",
                                   sourceDir() + "/gateway/catalogue"};
  argv.insert(argv.end(), kWebhookFlags.begin(), kWebhookFlags.end());
  for (int i = 0; i < 2; ++i) {
    auto gw = ChildProcess::start(argv, {std::string("LINKGATE_API_KEY=") + PgStack::kApiKey,
                                         std::string("LINKGATE_MASTER_KEY=") + PgStack::kMasterKey});
    ASSERT_TRUE(gw) << gw.error().message;
    s.gateways.push_back(std::move(*gw));
  }
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) {
    return !all.empty() && all.back().answered == 204;
  }));
  auto delivered = receiver.all().back();
  EXPECT_EQ(Json::parse(delivered.body)["data"]["credential_id"], id);
  expectVerified(secret, {delivered});
}

TEST(WebhooksPg, BadInputsAre400AndChangeNothing) {
  PgStack& s = stack();
  const std::vector<Json> bad = {
      Json{{"url", "ftp://127.0.0.1/x"}, {"events", {"credential.created"}}},
      Json{{"url", "http://user:pw@127.0.0.1/x"}, {"events", {"credential.created"}}},
      Json{{"url", "http://127.0.0.1/x#frag"}, {"events", {"credential.created"}}},
      Json{{"url", "/relative"}, {"events", {"credential.created"}}},
      Json{{"url", 7}, {"events", {"credential.created"}}},
      Json{{"events", {"credential.created"}}},
      Json{{"url", "http://127.0.0.1/x"}},
      Json{{"url", "http://127.0.0.1/x"}, {"events", Json::array()}},
      Json{{"url", "http://127.0.0.1/x"}, {"events", {"credential.exploded"}}},
      Json{{"url", "http://127.0.0.1/x"}, {"events", {"credential.created", "credential.created"}}},
      Json{{"url", "http://127.0.0.1/x"}, {"events", {"credential.created"}}, {"extra", 1}}};
  const auto before = s.api(0, "GET", "/v1/webhooks").body;
  for (const auto& b : bad) {
    auto r = s.api(0, "POST", "/v1/webhooks", dumpJson(b));
    EXPECT_EQ(r.status, 400) << b.dump() << " -> " << r.body;
    auto j = parseJsonObject(r.body);
    EXPECT_TRUE(j && j->contains("error") && j->contains("error_description")) << r.body;
  }
  EXPECT_EQ(s.api(0, "GET", "/v1/webhooks").body, before);
  EXPECT_EQ(s.api(0, "GET", "/v1/webhooks/not-a-uuid").status, 400);
  EXPECT_EQ(s.api(0, "DELETE", "/v1/webhooks/00000000-0000-4000-8000-000000000000").status, 404);
  EXPECT_EQ(s.api(0, "PATCH", "/v1/webhooks").status, 405);
}

TEST(WebhooksSqlite, ImportIsToldAndAKillWithPendingLosesNothing) {
  TempDir dir;
  Receiver receiver;
  const std::string db = (dir.path() / "gw.db").string();
  std::vector<std::string> argv = {PgStack::binary("gateway"), "--port", "0", "--db", db,
                                   "--catalogue", sourceDir() + "/gateway/catalogue"};
  argv.insert(argv.end(), kWebhookFlags.begin(), kWebhookFlags.end());
  const std::vector<std::string> env = {std::string("LINKGATE_API_KEY=") + PgStack::kApiKey,
                                        std::string("LINKGATE_MASTER_KEY=") + PgStack::kMasterKey};
  auto gw = ChildProcess::start(argv, env);
  ASSERT_TRUE(gw) << gw.error().message;
  CurlHttpClient http;
  auto api = [&](const std::string& method, const std::string& path, const Json& body) {
    HttpRequest r;
    r.method = method;
    r.url = (*gw)->url() + path;
    r.headers = {{"Content-Type", "application/json"},
                 {"Authorization", std::string("Bearer ") + PgStack::kApiKey}};
    if (!body.is_null()) r.body = dumpJson(body);
    auto a = http.send(r);
    return a ? *a : HttpResponse{};
  };
  auto hook = api("POST", "/v1/webhooks",
                  Json{{"url", receiver.url()}, {"events", {"credential.created"}}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string secret = Json::parse(hook.body)["secret"];
  auto app = api("POST", "/v1/oauth-apps",
                 Json{{"provider", "generic"}, {"client_id", "c"}, {"client_secret", "s"}});
  ASSERT_EQ(app.status, 201) << app.body;
  const std::string app_id = Json::parse(app.body)["id"];
  auto imported = [&](const std::string& n) {
    auto r = api("POST", "/v1/credentials",
                 Json{{"oauth_app_id", app_id},
                      {"provider_account_id", "sq-" + n},
                      {"properties", {{"access_token", "tok-" + n}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::parse(r.body).value("id", "");
  };
  const std::string first = imported("1");
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) {
    return find(all, "credential.created", first).has_value();
  }));
  expectVerified(secret, receiver.all());
  receiver.script({500}, true);
  const std::string second = imported("2");
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) {
    return find(all, "credential.created", second).has_value();
  }));
  ::kill((*gw)->pid(), SIGKILL);
  gw->reset();
  receiver.script({});
  gw = ChildProcess::start(argv, env);
  ASSERT_TRUE(gw) << gw.error().message;
  ASSERT_TRUE(receiver.waitFor([&](const auto& all) {
    return !all.empty() && all.back().answered == 204;
  }));
  EXPECT_EQ(Json::parse(receiver.all().back().body)["data"]["credential_id"], second);
  expectVerified(secret, {receiver.all().back()});
}

}  // namespace
}  // namespace linkgate::gateway::testing
