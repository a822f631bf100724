// linkgatectl against a real gateway and the real simulator over loopback: every command, the
// table and --json outputs, exit codes and one-line errors, export -> import round trip with a
// per-line report, a credential linked through the simulator refreshed from the CLI, and start
// links listed, read and deleted (issue 17).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "core/params.h"
#include "core/percent.h"
#include "gateway/child_process.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::binaryPath;
using testing::ChildProcess;

constexpr const char* kKey = "ctl-test-key";

struct CtlRun {
  int rc = -1;
  std::string out, err;
  Json json() const { return Json::parse(out); }
};

class Ctl : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto sim = ChildProcess::start(
        {binaryPath("LINKGATE_SIMULATOR", "simulator", LINKGATE_BUILD_BIN_DIR "/simulator"),
         "--port", "0", "--auto-approve", "--profiles",
         testing::sourceDir() + "/fixtures/providers"});
    ASSERT_TRUE(sim) << sim.error().message;
    sim_ = sim->release();
    auto gw = ChildProcess::start(
        {binaryPath("LINKGATE_GATEWAY", "gateway", LINKGATE_BUILD_BIN_DIR "/gateway"), "--port",
         "0", "--db", (dir_->path() / "gw.db").string(), "--provider-base-url", sim_->url(),
         "--catalogue", testing::sourceDir() + "/gateway/catalogue"},
        {std::string("LINKGATE_API_KEY=") + kKey,
         "LINKGATE_MASTER_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="});
    ASSERT_TRUE(gw) << gw.error().message;
    gw_ = gw->release();
  }
  static void TearDownTestSuite() {
    delete gw_;
    delete sim_;
    delete dir_;
  }
  // Runs linkgatectl with LINKGATE_URL/LINKGATE_API_KEY set (unless env overrides them).
  static CtlRun ctl(const std::string& args, const std::string& env = "") {
    const auto out = dir_->path() / "out", err = dir_->path() / "err";
    const std::string command =
        "LINKGATE_URL='" + gw_->url() + "' LINKGATE_API_KEY='" + kKey + "' " + env + " '" +
        binaryPath("LINKGATECTL", "linkgatectl", LINKGATE_BUILD_BIN_DIR "/linkgatectl") + "' " +
        args + " >'" + out.string() + "' 2>'" + err.string() + "' </dev/null";
    CtlRun r;
    const int status = std::system(command.c_str());
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read(out);
    r.err = read(err);
    return r;
  }
  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static HttpResponse get(const std::string& url, HeaderList headers = {}) {
    HttpRequest req;
    req.url = url;
    req.headers = std::move(headers);
    auto r = http_.send(req);
    EXPECT_TRUE(r) << url;
    return r ? *r : HttpResponse{};
  }
  static Result<HttpResponse> post(const std::string& url, const std::string& body,
                                   const std::string& type) {
    HttpRequest req;
    req.method = "POST";
    req.url = url;
    req.headers = {{"Content-Type", type}};
    req.body = body;
    return http_.send(req);
  }
  static std::string path(const char* name) { return (dir_->path() / name).string(); }

  static testing::TempDir* dir_;
  static ChildProcess* sim_;
  static ChildProcess* gw_;
  static CurlHttpClient http_;
};
testing::TempDir* Ctl::dir_ = nullptr;
ChildProcess* Ctl::sim_ = nullptr;
ChildProcess* Ctl::gw_ = nullptr;
CurlHttpClient Ctl::http_;

TEST_F(Ctl, UsageErrorsAndHelpHaveTheirExitCodes) {
  auto help = ctl("--help");
  EXPECT_EQ(help.rc, 0);
  EXPECT_NE(help.out.find("Exit codes"), std::string::npos);
  EXPECT_NE(help.out.find("credentials import"), std::string::npos);
  auto one = ctl("apps create --help");
  EXPECT_EQ(one.rc, 0);
  EXPECT_NE(one.out.find("--client-secret"), std::string::npos);
  EXPECT_EQ(ctl("").rc, 2);
  auto unknown = ctl("frobnicate now");
  EXPECT_EQ(unknown.rc, 2);
  EXPECT_EQ(unknown.err, "linkgatectl: unknown command 'frobnicate now' (see --help)\n");
  EXPECT_EQ(ctl("apps get").rc, 2);
  EXPECT_EQ(ctl("apps list", "LINKGATE_URL=").rc, 2);
  auto wrong_key = ctl("--api-key nope apps list");
  EXPECT_EQ(wrong_key.rc, 1);
  EXPECT_TRUE(wrong_key.err.starts_with("linkgatectl: 401 unauthorized: ")) << wrong_key.err;
  auto unreachable = ctl("--url http://127.0.0.1:1 apps list");
  EXPECT_EQ(unreachable.rc, 3);
  EXPECT_TRUE(unreachable.err.starts_with("linkgatectl: cannot reach the gateway"))
      << unreachable.err;
}

TEST_F(Ctl, AppsRedirectUrisProvidersAndApiKeys) {
  auto providers = ctl("providers list");
  ASSERT_EQ(providers.rc, 0) << providers.err;
  EXPECT_TRUE(providers.out.starts_with("SLUG")) << providers.out;
  EXPECT_NE(providers.out.find("github"), std::string::npos);
  auto created =
      ctl("--json apps create --provider github --client-id cid --client-secret "
          "top-secret --name 'My app' --scopes 'repo user'");
  ASSERT_EQ(created.rc, 0) << created.err;
  const std::string id = created.json()["id"];
  EXPECT_EQ(created.json()["default_scopes"], (Json{"repo", "user"}));
  auto listed = ctl("apps list");
  EXPECT_NE(listed.out.find(id), std::string::npos);
  EXPECT_NE(listed.out.find("My app"), std::string::npos);
  EXPECT_EQ(listed.out.find("top-secret"), std::string::npos);
  auto updated = ctl("--json apps update " + id + " --name Renamed");
  EXPECT_EQ(updated.json()["name"], "Renamed");
  EXPECT_NE(ctl("apps get " + id).out.find("Renamed"), std::string::npos);
  auto bad = ctl("apps get nope");
  EXPECT_EQ(bad.rc, 1);
  EXPECT_EQ(bad.err.find('\n'), bad.err.size() - 1);  // one line
  EXPECT_TRUE(bad.err.starts_with("linkgatectl: 400 invalid_request: ")) << bad.err;
  auto uri = ctl("--json redirect-uris add https://app.example/cb");
  ASSERT_EQ(uri.rc, 0) << uri.err;
  EXPECT_NE(ctl("redirect-uris list").out.find("https://app.example/cb"), std::string::npos);
  EXPECT_EQ(ctl("redirect-uris delete " + uri.json()["id"].get<std::string>()).rc, 0);
  EXPECT_EQ(ctl("apps delete " + id).rc, 0);
  EXPECT_EQ(ctl("apps get " + id).rc, 1);
  // API keys: the key is printed once, works, is listed by id, and revoked.
  auto key = ctl("--json api-keys create");
  ASSERT_EQ(key.rc, 0) << key.err;
  const std::string new_key = key.json()["key"], key_id = key.json()["id"];
  auto keys = ctl("api-keys list", "LINKGATE_API_KEY='" + new_key + "'");
  ASSERT_EQ(keys.rc, 0) << keys.err;
  EXPECT_NE(keys.out.find(key_id), std::string::npos);
  EXPECT_EQ(keys.out.find(new_key), std::string::npos);
  EXPECT_EQ(ctl("api-keys revoke " + key_id).rc, 0);
  EXPECT_EQ(ctl("apps list", "LINKGATE_API_KEY='" + new_key + "'").rc, 1);
}

TEST_F(Ctl, CredentialsListExportImportAndDeleteCascade) {
  auto app = ctl("--json apps create --provider github --client-id c2 --client-secret s2");
  ASSERT_EQ(app.rc, 0) << app.err;
  const std::string app_id = app.json()["id"];
  {
    std::ofstream lines(path("in.jsonl"));
    for (int i = 0; i < 3; ++i) {
      lines << dumpJson(Json{{"oauth_app_id", app_id},
                             {"provider_account_id", "user-" + std::to_string(i)},
                             {"end_user_id", i == 1 ? "eu-one" : "eu-other"},
                             {"properties", {{"access_token", "AT-" + std::to_string(i)}}}})
            << "\n";
    }
    lines << "{broken\n";
  }
  auto imported = ctl("credentials import '" + path("in.jsonl") + "'");
  EXPECT_EQ(imported.rc, 4) << imported.out << imported.err;  // one line failed
  EXPECT_NE(imported.out.find("3 created, 0 updated, 1 failed"), std::string::npos) << imported.out;
  auto listed = ctl("--json credentials list --app " + app_id);
  ASSERT_EQ(listed.rc, 0) << listed.err;
  ASSERT_EQ(listed.json()["data"].size(), 3u);
  EXPECT_EQ(listed.json()["data"][0]["properties"]["access_token"], "**********");
  auto paged = ctl("--json credentials list --app " + app_id + " --limit 2");
  EXPECT_EQ(paged.json()["data"].size(), 2u);
  ASSERT_TRUE(paged.json()["next_cursor"].is_string());
  auto rest = ctl("--json credentials list --app " + app_id + " --limit 2 --cursor " +
                  paged.json()["next_cursor"].get<std::string>());
  EXPECT_EQ(rest.json()["data"].size(), 1u);
  auto by_user = ctl("--json credentials list --end-user eu-one");
  ASSERT_EQ(by_user.rc, 0) << by_user.err;
  ASSERT_EQ(by_user.json()["data"].size(), 1u) << by_user.out;
  EXPECT_EQ(by_user.json()["data"][0]["end_user_id"], "eu-one") << by_user.out;
  EXPECT_EQ(ctl("credentials list --end-user ''").rc, 1) << "an empty end user id is refused";
  EXPECT_EQ(ctl("credentials list --provider nope").rc, 1);
  EXPECT_NE(ctl("credentials list --provider github").out.find("HEALTH"), std::string::npos);
  const std::string first = listed.json()["data"][0]["id"];
  auto got = ctl("credentials get " + first);
  EXPECT_NE(got.out.find(first), std::string::npos);
  EXPECT_EQ(got.out.find("AT-"), std::string::npos);  // masked unless --reveal
  const std::string at =
      ctl("--json credentials get " + first + " --reveal").json()["properties"]["access_token"];
  EXPECT_TRUE(at.starts_with("AT-")) << at;
  auto token = ctl("credentials access-token " + first);
  EXPECT_EQ(token.rc, 0) << token.err;
  EXPECT_EQ(token.out, at + "\n");
  // Export -> import: the same credentials, updated in place.
  ASSERT_EQ(ctl("credentials export --output '" + path("export.jsonl") + "'").rc, 0);
  EXPECT_NE(read(path("export.jsonl")).find("AT-1"), std::string::npos);
  auto again = ctl("--json credentials import '" + path("export.jsonl") + "'");
  EXPECT_EQ(again.rc, 0) << again.out << again.err;
  EXPECT_GE(again.json()["updated"], 3);
  EXPECT_EQ(again.json()["failed"], 0);
  // An app with credentials is refused (409 naming the count) until --cascade.
  auto refused = ctl("apps delete " + app_id);
  EXPECT_EQ(refused.rc, 1);
  EXPECT_NE(refused.err.find("409 conflict: the OAuth app still has 3 credential"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(ctl("credentials delete " + first).rc, 0);
  EXPECT_EQ(ctl("credentials get " + first).rc, 1);
  EXPECT_EQ(ctl("apps delete " + app_id + " --cascade").rc, 0);
  EXPECT_EQ(ctl("--json credentials list --app " + app_id).json()["data"].size(), 0u);
}

TEST_F(Ctl, StartLinksListGetAndDelete) {
  auto app = ctl("--json apps create --provider github --client-id sl --client-secret sl-secret");
  ASSERT_EQ(app.rc, 0) << app.err;
  const std::string app_id = app.json()["id"];
  ASSERT_EQ(ctl("redirect-uris add https://links.example/cb").rc, 0);
  auto made = ctl("--json start-link create --app " + app_id +
                  " --redirect-uri https://links.example/cb --state '{\"n\":2}'");
  ASSERT_EQ(made.rc, 0) << made.err;
  const std::string id = made.json()["id"], url = made.json()["start_url"];
  const std::string token = url.substr(url.rfind('/') + 1);
  auto second =
      ctl("start-link create --app " + app_id + " --redirect-uri https://links.example/cb");
  ASSERT_EQ(second.rc, 0) << second.err;
  EXPECT_NE(second.out.find("ID"), std::string::npos) << second.out;
  // Listed (a table, and JSON with every page), never with the token.
  auto listed = ctl("start-links list --app " + app_id);
  ASSERT_EQ(listed.rc, 0) << listed.err;
  EXPECT_TRUE(listed.out.starts_with("ID")) << listed.out;
  EXPECT_NE(listed.out.find(id), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("active"), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find(token), std::string::npos);
  auto json = ctl("--json start-links list --provider github --limit 1");
  ASSERT_EQ(json.rc, 0) << json.err;
  EXPECT_EQ(json.json()["data"].size(), 1u);
  EXPECT_TRUE(json.json()["next_cursor"].is_string()) << json.out;
  auto all = ctl("--json start-links list --app " + app_id);
  EXPECT_EQ(all.json()["data"].size(), 2u) << all.out;
  auto got = ctl("--json start-links get " + id);
  ASSERT_EQ(got.rc, 0) << got.err;
  EXPECT_EQ(got.json()["state"], (Json{{"n", 2}}));
  EXPECT_EQ(got.json()["oauth_app_id"], app_id);
  EXPECT_NE(ctl("start-links get " + id).out.find("REDIRECT_URI"), std::string::npos);
  // Deleted: gone from the API, and its URL answers as an unknown link.
  EXPECT_EQ(ctl("start-links delete " + id).out, "deleted " + id + "\n");
  auto again = ctl("start-links delete " + id);
  EXPECT_EQ(again.rc, 1);
  EXPECT_TRUE(again.err.starts_with("linkgatectl: 404 not_found: ")) << again.err;
  EXPECT_EQ(again.err.find('\n'), again.err.size() - 1);
  EXPECT_EQ(ctl("start-links get " + id).rc, 1);
  EXPECT_EQ(ctl("start-links get").rc, 2);
  EXPECT_EQ(get(url).status, 400);
  EXPECT_EQ(ctl("--json start-links list --app " + app_id).json()["data"].size(), 1u);
  EXPECT_EQ(ctl("start-links list --provider nope").rc, 1);
  EXPECT_EQ(ctl("apps delete " + app_id).rc, 0);
}

TEST_F(Ctl, StartLinkThroughTheSimulatorThenRefresh) {
  auto client =
      post(sim_->url() + "/_sim/clients",
           dumpJson(Json{{"provider", "asana"},
                         {"client_id", "ctl-client"},
                         {"client_secret", "ctl-secret"},
                         {"redirect_uris", {gw_->url() + "/link/oauth2/callback/asana"}}}),
           "application/json");
  ASSERT_TRUE(client && client->status == 201) << (client ? client->body : "");
  auto app =
      ctl("--json apps create --provider asana --client-id ctl-client --client-secret "
          "ctl-secret");
  const std::string app_id = app.json()["id"];
  ASSERT_EQ(ctl("redirect-uris add http://127.0.0.1:4321/done").rc, 0);
  auto link = ctl("--json start-link create --app " + app_id +
                  " --redirect-uri http://127.0.0.1:4321/done --state '{\"n\":1}'");
  ASSERT_EQ(link.rc, 0) << link.err;
  auto started = get(link.json()["start_url"]);
  ASSERT_EQ(started.status, 302) << started.body;
  const std::string cookie = started.header("Set-Cookie").value_or("");
  auto consent = get(*started.header("Location"));
  ASSERT_EQ(consent.status, 302) << consent.body;
  auto back = get(*consent.header("Location"), {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  ASSERT_EQ(back.status, 302) << back.body;
  const std::string code = *testing::queryOf(*back.header("Location")).get("code");
  auto token =
      post(gw_->url() + "/link/oauth2/token",
           "code=" + percentEncode(code) + "&client_id=" + app_id + "&client_secret=ctl-secret",
           "application/x-www-form-urlencoded");
  ASSERT_TRUE(token && token->status == 200) << (token ? token->body : "");
  const Json credential = Json::parse(token->body)["credential"];
  const std::string id = credential["id"];
  ASSERT_TRUE(credential["properties"].contains("refresh_token")) << token->body;
  auto refreshed = ctl("--json credentials refresh " + id);
  ASSERT_EQ(refreshed.rc, 0) << refreshed.err;
  EXPECT_NE(refreshed.json()["properties"]["access_token"],
            credential["properties"]["access_token"]);
  auto table = ctl("credentials refresh " + id);
  EXPECT_NE(table.out.find("HEALTH"), std::string::npos) << table.out << table.err;
  EXPECT_EQ(ctl("apps delete " + app_id + " --cascade").rc, 0);
}

}  // namespace
}  // namespace linkgate::gateway
