// Issue 15, crash consistency: worker threads run link flows (start -> the simulator's consent
// page -> callback -> POST /link/oauth2/token), refreshes (GET .../access-token of a credential
// whose access token is always inside the refresh margin, strict rotation at the simulator)
// and imports against the real gateway binary, while the main thread SIGKILLs the gateway at
// seeded random moments and starts it again on the same database. Afterwards:
//  - every gateway code delivered to the integrator redeems (or, when its redemption was cut
//    by a kill, was redeemed already);
//  - every credential acknowledged with a 2xx is there and opens: an imported one answers its
//    access token, a linked one (after the simulator's clock has moved past every access
//    token issued) refreshes to an access token the simulator honours;
//  - no refresh token was lost to a rotation in flight: each stored refresh token is live at
//    the simulator. The one loss nobody can prevent — the provider rotated and answered, and
//    the process died before its commit — is allowed only for a credential whose refresh was
//    cut by a kill and whose stored token the simulator's journal shows rotated by a 200
//    answer; such cases are counted and printed;
//  - the database passes its integrity check after every kill and at the end.
// Both backends. LINKGATE_CRASH_SEED, LINKGATE_CRASH_KILLS, LINKGATE_CRASH_WORKERS override
// (ci/crash runs more kills).
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "core/params.h"
#include "core/percent.h"
#include "gateway/crash_rig.h"

namespace linkgate::gateway::testing {
namespace {

long envNumber(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtol(v, nullptr, 10) : fallback;
}

struct LinkedCred {
  std::string last_access_token;
  std::set<int> refresh_cut;  // epochs whose kill cut a refresh of it in flight
};

// What the integrator was told, and what the workers saw.
struct Ledger {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> codes_unredeemed;   // delivered, never presented
  std::vector<std::string> codes_cut;          // redemption in flight at a kill
  std::map<std::string, LinkedCred> linked;    // credential id -> state (flows)
  std::map<std::string, std::string> imported; // credential id -> access token
  std::vector<std::string> failures;
  std::map<std::string, std::string> refresh_failures;  // credential id -> answer
  int flows = 0, refreshes = 0, imports = 0, cut = 0, ops_in_epoch = 0;
  std::map<int, int> cut_by_epoch;
  std::map<int, std::pair<int64_t, int64_t>> lived;  // epoch -> [start, kill] in unix ms
  bool stop = false;
};

class Worker {
 public:
  Worker(CrashRig& rig, Ledger& ledger, uint64_t seed, int index)
      : rig_(rig), l_(ledger), rng_(seed), index_(index) {}

  void run() {
    for (int n = 0;; ++n) {
      {
        std::lock_guard g(l_.mu);
        if (l_.stop) return;
      }
      auto [base, epoch] = rig_.current();
      const int pick = static_cast<int>(rng_() % 100);
      bool ok = pick < 45 ? flow(base, n) : pick < 80 ? refresh(base, epoch) : import(base, n);
      std::unique_lock g(l_.mu);
      if (!ok) {  // cut by a kill: wait for the next process
        ++l_.cut;
        ++l_.cut_by_epoch[epoch];
        l_.cv.wait(g, [&] { return l_.stop || rig_.epoch() != epoch; });
      } else {
        ++l_.ops_in_epoch;
        l_.cv.notify_all();
      }
    }
  }

 private:
  void failure(const std::string& what) {
    std::lock_guard g(l_.mu);
    l_.failures.push_back("worker " + std::to_string(index_) + ": " + what);
  }
  static std::string say(const HttpResponse& r) {
    return std::to_string(r.status) + " " + r.body.substr(0, 300);
  }

  // false = a transport failure (the gateway died under the call); anything else is judged.
  bool flow(const std::string& base, int n) {
    Params q;
    q.add("client_id", rig_.appId());
    q.add("redirect_uri", "http://127.0.0.1:4321/done/generic");
    q.add("state", "w" + std::to_string(index_) + "-" + std::to_string(n));
    auto start = CrashRig::call(http_, "GET", base + "/link/oauth2/start?" + q.toQuery());
    if (start.status == 0) return false;
    if (start.status != 302) return failure("start: " + say(start)), true;
    const std::string set_cookie = start.header("Set-Cookie").value_or("");
    const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
    auto page = CrashRig::call(http_, "GET", start.header("Location").value_or(""));
    std::smatch consent, user;
    static const std::regex kConsent(R"re(name="consent" value="([^"]+)")re");
    static const std::regex kUser(R"re(<option value="([^"]+)")re");
    if (page.status != 200 || !std::regex_search(page.body, consent, kConsent) ||
        !std::regex_search(page.body, user, kUser)) {
      return failure("consent page: " + say(page)), true;
    }
    auto approved = CrashRig::call(
        http_, "POST", rig_.simulator() + "/generic/_consent",
        "consent=" + percentEncode(consent[1].str()) + "&user=" + percentEncode(user[1].str()) +
            "&decision=approve",
        {{"Content-Type", "application/x-www-form-urlencoded"}});
    const std::string callback = approved.header("Location").value_or("");
    if (approved.status != 302) return failure("consent: " + say(approved)), true;
    // The callback goes to whichever process lives now (the flow may have started in another).
    const std::string now_base = rig_.current().first;
    auto back = CrashRig::call(http_, "GET", CrashRig::onInstance(now_base, callback), {},
                               {{"Cookie", cookie}});
    if (back.status == 0) return false;
    auto code = queryOf(back.header("Location").value_or("")).get("code");
    if (back.status != 302 || !code) return failure("callback: " + say(back)), true;
    if (rng_() % 3 == 0) {  // kept for after the kills
      std::lock_guard g(l_.mu);
      l_.codes_unredeemed.emplace_back(*code);
      ++l_.flows;
      return true;
    }
    auto token = redeem(http_, rig_, rig_.current().first, std::string(*code));
    std::lock_guard g(l_.mu);
    if (token.status == 0) {
      l_.codes_cut.emplace_back(*code);
      return false;
    }
    auto body = parseJsonObject(token.body);
    if (token.status != 200 || !body) {
      l_.failures.push_back("redeem: " + say(token));
      return true;
    }
    const Json& c = (*body)["credential"];
    l_.linked[c["id"].get<std::string>()].last_access_token =
        c["properties"].value("access_token", "");
    ++l_.flows;
    return true;
  }

  bool refresh(const std::string& base, int epoch) {
    std::string id, before;
    {
      std::lock_guard g(l_.mu);
      if (l_.linked.empty()) return true;
      auto it = std::next(l_.linked.begin(), static_cast<long>(rng_() % l_.linked.size()));
      id = it->first;
      before = it->second.last_access_token;
    }
    auto r = rig_.api(http_, base, "GET", "/v1/credentials/" + id + "/access-token");
    std::lock_guard g(l_.mu);
    if (r.status == 0) {
      l_.linked[id].refresh_cut.insert(epoch);
      return false;
    }
    auto body = parseJsonObject(r.body);
    if (r.status != 200 || !body) {
      l_.refresh_failures[id] = say(r);  // judged at the end (a token lost in the window)
      return true;
    }
    const std::string token = body->value("access_token", "");
    // Inside the margin on every read: the answer is a new token, never the one before.
    if (token.empty() || token == before) l_.failures.push_back("access-token did not refresh");
    l_.linked[id].last_access_token = token;
    ++l_.refreshes;
    return true;
  }

  // POST /v1/credentials/import: two NDJSON lines, each a new provider account.
  bool import(const std::string& base, int n) {
    std::string body;
    std::vector<std::string> tokens;
    for (int line = 0; line < 2; ++line) {
      const std::string tag = std::to_string(index_) + "-" + std::to_string(n) + "-" +
                              std::to_string(line) + "-" + std::to_string(rng_() % 1000000);
      tokens.push_back("imported-at-" + tag);
      body += dumpJson(Json{{"oauth_app_id", rig_.appId()},
                            {"provider_account_id", "imported-" + tag},
                            {"properties", {{"access_token", tokens.back()},
                                            {"refresh_token", "imported-rt-" + tag}}}}) +
              "\n";
    }
    auto r = CrashRig::call(http_, "POST", base + "/v1/credentials/import", body,
                            {{"Content-Type", "application/x-ndjson"},
                             {"Authorization", std::string("Bearer ") + CrashRig::kApiKey}});
    if (r.status == 0) return false;
    auto answer = parseJsonObject(r.body);
    if (r.status != 200 || !answer || (*answer)["results"].size() != tokens.size()) {
      return failure("import: " + say(r)), true;
    }
    std::lock_guard g(l_.mu);
    for (const auto& result : (*answer)["results"]) {
      const size_t line = result.value("line", size_t{0});
      if (result.value("status", "") != "created" || line < 1 || line > tokens.size()) {
        l_.failures.push_back("import line: " + dumpJson(result));
        continue;
      }
      l_.imported[result.value("id", "")] = tokens[line - 1];
      ++l_.imports;
    }
    return true;
  }

 public:
  static HttpResponse redeem(HttpClient& http, CrashRig& rig, const std::string& base,
                             const std::string& code) {
    return CrashRig::call(http, "POST", base + "/link/oauth2/token",
                          "code=" + percentEncode(code) + "&client_id=" + rig.appId() +
                              "&client_secret=" + CrashRig::kSecret,
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
  }

 private:
  CrashRig& rig_;
  Ledger& l_;
  std::mt19937_64 rng_;
  int index_;
  CurlHttpClient http_;
};

int64_t unixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Refresh requests of the simulator's journal that it answered 200 (it rotated the refresh
// token they carried): simulator time (unix ms, before any clock move) and the body.
std::vector<std::pair<int64_t, std::string>> rotations(CrashRig& rig, HttpClient& http) {
  auto r = CrashRig::call(http, "GET", rig.simulator() + "/_sim/journal?provider=generic");
  std::vector<std::pair<int64_t, std::string>> out;
  auto j = parseJsonObject(r.body);
  if (!j) return out;
  for (const auto& e : (*j)["entries"]) {
    if (e.value("endpoint", "") == "refresh" && e.value("status", 0) == 200) {
      out.emplace_back(e.value("at", int64_t{0}), e.value("body", ""));
    }
  }
  return out;
}

bool introspectActive(CrashRig& rig, HttpClient& http, const std::string& token) {
  auto r = CrashRig::call(http, "POST", rig.simulator() + "/_sim/introspect",
                          dumpJson(Json{{"token", token}}), {{"Content-Type", "application/json"}});
  auto j = parseJsonObject(r.body);
  return r.status == 200 && j && j->value("active", false);
}

void runCrashTest(bool postgres) {
  const uint64_t seed = static_cast<uint64_t>(
      envNumber("LINKGATE_CRASH_SEED", static_cast<long>(std::random_device{}() & 0x7fffffff)));
  const int kills = static_cast<int>(envNumber("LINKGATE_CRASH_KILLS", 6));
  const int workers = static_cast<int>(envNumber("LINKGATE_CRASH_WORKERS", 4));
  const char* backend = postgres ? "postgresql" : "sqlite";
  std::cout << "crash[" << backend << "]: seed " << seed << " (LINKGATE_CRASH_SEED=" << seed
            << " repeats the kill schedule), " << kills << " kills, " << workers << " workers"
            << std::endl;
  auto started = CrashRig::start(postgres);
  ASSERT_TRUE(started) << started.error().message;
  CrashRig& rig = **started;
  ASSERT_EQ(rig.integrityProblems(), "");

  Ledger ledger;
  std::vector<std::unique_ptr<Worker>> crew;
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    crew.push_back(std::make_unique<Worker>(rig, ledger, seed * 1000 + static_cast<uint64_t>(i), i));
    threads.emplace_back([w = crew.back().get()] { w->run(); });
  }
  std::mt19937_64 schedule(seed);
  {
    std::lock_guard g(ledger.mu);
    ledger.lived[rig.epoch()].first = unixMs() - 60000;  // set-up included
  }
  auto waitForOps = [&](int n) {
    std::unique_lock g(ledger.mu);
    return ledger.cv.wait_for(g, std::chrono::seconds(30), [&] { return ledger.ops_in_epoch >= n; });
  };
  int survived = 0;
  for (int k = 0; k < kills; ++k) {
    // A few operations into this process, then a random moment: the kill lands in whatever
    // the workers are doing (a hop, a refresh at the provider, a commit).
    EXPECT_TRUE(waitForOps(3 + static_cast<int>(schedule() % 6))) << "no progress before kill " << k;
    std::this_thread::sleep_for(std::chrono::milliseconds(schedule() % 250));
    const int killed_epoch = rig.epoch();
    {
      std::lock_guard g(ledger.mu);
      ledger.lived[killed_epoch].second = unixMs();
    }
    rig.killGateway();
    EXPECT_EQ(rig.integrityProblems(), "") << "after kill " << k;
    auto up = rig.startGateway();
    ASSERT_TRUE(up) << "restart after kill " << k << ": " << up.error().message;
    ++survived;
    {
      std::lock_guard g(ledger.mu);
      ledger.ops_in_epoch = 0;
      ledger.lived[rig.epoch()].first = unixMs();
    }
    ledger.cv.notify_all();
  }
  EXPECT_TRUE(waitForOps(8)) << "no progress after the last restart";
  {
    std::lock_guard g(ledger.mu);
    ledger.stop = true;
  }
  ledger.cv.notify_all();
  for (auto& t : threads) t.join();
  const int last_epoch = rig.epoch();
  std::lock_guard g(ledger.mu);
  for (const auto& f : ledger.failures) ADD_FAILURE() << f;
  EXPECT_EQ(ledger.cut_by_epoch.count(last_epoch), 0u)
      << "a call failed without a kill: " << ledger.cut_by_epoch[last_epoch];

  CurlHttpClient http;
  const std::string base = rig.current().first;
  // Codes delivered before any kill: each redeems now, once.
  int codes_ok = 0, codes_cut_done = 0;
  for (const auto& code : ledger.codes_unredeemed) {
    auto r = Worker::redeem(http, rig, base, code);
    auto body = parseJsonObject(r.body);
    EXPECT_EQ(r.status, 200) << "a delivered code does not redeem: " << r.body;
    if (r.status != 200 || !body) continue;
    ++codes_ok;
    const Json& c = (*body)["credential"];
    ledger.linked[c["id"].get<std::string>()].last_access_token =
        c["properties"].value("access_token", "");
  }
  // A redemption cut by a kill: committed before the kill (invalid_grant now) or not (200).
  for (const auto& code : ledger.codes_cut) {
    auto r = Worker::redeem(http, rig, base, code);
    EXPECT_TRUE(r.status == 200 || (r.status == 400 && r.body.find("invalid_grant") != std::string::npos))
        << r.status << " " << r.body;
    if (r.status == 200) ++codes_cut_done;
    if (r.status != 200) continue;
    auto body = parseJsonObject(r.body);
    if (body) ledger.linked[(*body)["credential"]["id"].get<std::string>()].last_access_token = "";
  }
  // Imports: present, and the access token is the one imported.
  for (const auto& [id, at] : ledger.imported) {
    auto r = rig.api(http, base, "GET", "/v1/credentials/" + id + "/access-token");
    auto body = parseJsonObject(r.body);
    EXPECT_EQ(r.status, 200) << "imported credential " << id << ": " << r.body;
    if (body) {
      EXPECT_EQ(body->value("access_token", ""), at) << id;
    }
  }
  // Linked credentials: the stored refresh token is live at the simulator (strict rotation).
  auto exported = rig.api(http, base, "GET", "/v1/credentials/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  std::map<std::string, std::string> stored_rt;
  for (size_t at = 0; at < exported.body.size();) {
    size_t end = exported.body.find('\n', at);
    if (end == std::string::npos) end = exported.body.size();
    auto line = parseJsonObject(std::string_view(exported.body).substr(at, end - at));
    if (line) stored_rt[line->value("id", "")] = (*line)["properties"].value("refresh_token", "");
    at = end + 1;
  }
  const auto rotated = rotations(rig, http);
  std::set<std::string> lost_in_window;
  for (const auto& [id, cred] : ledger.linked) {
    ASSERT_TRUE(stored_rt.contains(id)) << "acknowledged credential " << id << " is missing";
    const std::string& rt = stored_rt[id];
    if (introspectActive(rig, http, rt)) continue;
    // Excused only when the simulator rotated this very token by a 200 answer during the life
    // of a process whose kill cut a refresh of this credential.
    bool rotated_by_200 = false, in_cut_window = false;
    for (const auto& [at, b] : rotated) {
      if (b.find(percentEncode(rt, true)) == std::string::npos &&
          b.find(percentEncode(rt)) == std::string::npos && b.find(rt) == std::string::npos) {
        continue;
      }
      rotated_by_200 = true;
      for (int e : cred.refresh_cut) {
        const auto [from, until] = ledger.lived[e];
        in_cut_window = in_cut_window || (at >= from - 1000 && at <= until + 1000);
      }
    }
    if (in_cut_window) {
      lost_in_window.insert(id);
    } else {
      ADD_FAILURE() << "refresh token of " << id << " is dead at the provider (refresh cut: "
                    << cred.refresh_cut.size() << " times, rotated by a 200: " << rotated_by_200
                    << ")";
    }
  }
  for (const auto& [id, answer] : ledger.refresh_failures) {
    EXPECT_TRUE(lost_in_window.contains(id)) << "refresh of " << id << " failed: " << answer;
  }
  EXPECT_LE(static_cast<int>(lost_in_window.size()), survived);
  // Past every access token issued so far: each linked credential refreshes to a live one.
  auto clock = CrashRig::call(http, "POST", rig.simulator() + "/_sim/clock",
                              R"({"advance_seconds":120})", {{"Content-Type", "application/json"}});
  ASSERT_EQ(clock.status, 200) << clock.body;
  int opened = 0;
  for (const auto& [id, cred] : ledger.linked) {
    if (lost_in_window.contains(id)) continue;
    auto r = rig.api(http, base, "GET", "/v1/credentials/" + id + "/access-token");
    auto body = parseJsonObject(r.body);
    EXPECT_EQ(r.status, 200) << "linked credential " << id << ": " << r.body;
    if (!body) continue;
    const std::string at = body->value("access_token", "");
    EXPECT_TRUE(introspectActive(rig, http, at)) << id << ": access token not live at the provider";
    opened += introspectActive(rig, http, at) ? 1 : 0;
  }
  rig.killGateway();
  EXPECT_EQ(rig.integrityProblems(), "") << "at the end";
  std::cout << "crash[" << backend << "]: seed " << seed << ": kills survived " << survived
            << ", flows checked " << ledger.flows << " (codes kept over kills " << codes_ok
            << ", redemptions cut by a kill " << ledger.codes_cut.size() << " of which "
            << codes_cut_done << " had not committed), refreshes " << ledger.refreshes
            << ", imports " << ledger.imports << ", calls cut by kills " << ledger.cut
            << ", linked credentials opened after the clock moved " << opened << "/"
            << ledger.linked.size() << ", refresh tokens lost in the provider-answer-to-commit "
            << "window " << lost_in_window.size() << ", integrity checks passed "
            << survived + 2 << std::endl;
  EXPECT_GT(ledger.flows, 0);
  EXPECT_GT(ledger.refreshes, 0);
  EXPECT_GT(ledger.imports, 0);
}

TEST(CrashConsistency, Sqlite) { runCrashTest(false); }
TEST(CrashConsistency, PostgreSql) { runCrashTest(true); }

}  // namespace
}  // namespace linkgate::gateway::testing
