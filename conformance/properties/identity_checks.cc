// End-user identity and provider-account de-duplication (SPEC §9, docs/CONTRACT.md C-9).
#include "conformance/properties/identity_checks.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/model/redirect_model.h"
#include "conformance/properties/support.h"
#include "core/json.h"
#include "core/percent.h"

namespace linkgate::conformance {
namespace {

std::optional<std::string> field(const Json& raw, const char* name) {
  const Json* cred = jsonAt(raw, "credential");
  if (cred == nullptr) return std::nullopt;
  auto it = cred->find(name);
  if (it == cred->end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

struct Linked {
  Credential cred;
  std::string user;                  // the simulator user who consented
  std::vector<std::string> offered;  // the users the consent page offered
};

// One approved flow as `user` (nullopt: the harness's default choice), exchanged.
Linked linkAs(CheckContext& c, const App& app, const std::optional<std::string>& user,
              const std::vector<std::pair<std::string, std::string>>& extra) {
  World& w = c.world();
  const std::string destination = model::substituteProvider(w.integratorTokenUri(), app.provider);
  Flow flow(w, &c.trace());
  StartParams params{app.provider, app.id, w.integratorTokenUri(), "same-account", extra};
  const HttpResponse started = must(flow.start(params), "GET /start");
  if (!redirectedToProvider(w, app.provider, started).empty()) {
    throw std::runtime_error("/start did not redirect to the provider: HTTP " +
                       std::to_string(started.status) + " " + printable(started.body, 200));
  }
  const std::string callback = must(flow.consent(Decision::kApprove, user), "consent");
  const HttpResponse final_response = must(flow.callback(callback), "callback");
  const std::string location = must(Flow::redirectTarget(final_response, "callback"), "final");
  const auto appended = must(
      flow.finalParams(location, destination, {std::nullopt, "same-account", w.publicUrl()}),
      "final redirect");
  Linked out{must(flow.exchange(app, *appended.get("code")), "code exchange"), flow.user(),
             flow.offeredUsers()};
  c.trace().add("linked as " + (out.user.empty() ? std::string("(auto-approved)") : out.user) +
                ": credential " + out.cred.id + ", provider_account_id " +
                field(out.cred.raw, "provider_account_id").value_or("(none)"));
  return out;
}

bool speaksOidc(World& w, const std::string& slug) {
  HttpRequest probe;
  probe.url = w.sim().baseUrl() + "/_sim/providers/" + slug + "/keys";
  auto answer = w.http().send(probe);
  return answer && answer->status == 200;
}

// C-9.3 / C-9.4: the same simulator user linked twice is one credential with one provider
// account id; another user whose account differs gets another credential.
void sameAccountCheck(CheckContext& c) {
  const App app = must(c.world().app(c.provider()), "app set-up");
  std::vector<std::pair<std::string, std::string>> extra;
  Linked first = linkAs(c, app, std::nullopt, extra);
  if (!field(first.cred.raw, "provider_account_id") && speaksOidc(c.world(), c.provider())) {
    // An OIDC provider identifies the account by the id_token, issued with `openid`.
    extra = {{"scope", "openid"}};
    c.trace().add("no provider account without openid: linking again with scope=openid");
    first = linkAs(c, app, std::nullopt, extra);
  }
  const auto account = field(first.cred.raw, "provider_account_id");
  ASSERT_TRUE(account) << "C-9.3: the credential names no provider_account_id: "
                       << printable(dumpJson(first.cred.raw), 400);
  const Linked again = linkAs(c, app, first.user.empty() ? std::nullopt
                                                         : std::optional<std::string>(first.user),
                              extra);
  EXPECT_EQ(field(again.cred.raw, "provider_account_id"), account)
      << "C-9.3: the same provider user is named differently on a second link";
  EXPECT_EQ(again.cred.id, first.cred.id)
      << "C-9.4: linking the same provider account again made a second credential";
  if (extra.empty() && !first.cred.properties.contains("id_token") &&
      speaksOidc(c.world(), c.provider())) {
    // C-9.3 across scopes: the same user linked with openid (now identified by iss + sub) is
    // still the same provider account.
    const Linked with_openid =
        linkAs(c, app, first.user.empty() ? std::nullopt : std::optional<std::string>(first.user),
               {{"scope", "openid"}});
    EXPECT_EQ(field(with_openid.cred.raw, "provider_account_id"), account)
        << "C-9.3: the same provider user is named differently when the flow adds openid";
    EXPECT_EQ(with_openid.cred.id, first.cred.id)
        << "C-9.4: linking the same provider account with openid made a second credential";
  }
  std::optional<std::string> other;
  for (const auto& u : first.offered) {
    if (u != first.user) other = u;
  }
  if (!other) {
    c.trace().add("one user offered (or --auto-approve): the other-account half is not run");
    return;
  }
  const Linked third = linkAs(c, app, other, extra);
  const auto third_account = field(third.cred.raw, "provider_account_id");
  ASSERT_TRUE(third_account) << "C-9.3: the second user's credential names no provider account";
  if (*third_account != *account) {
    EXPECT_NE(third.cred.id, first.cred.id)
        << "C-9.4: two provider accounts (" << *account << ", " << *third_account
        << ") share one credential";
  } else {
    EXPECT_EQ(third.cred.id, first.cred.id) << "C-9.4: one provider account, two credentials";
  }
}

// C-9.1 / C-9.2: end_user_id (and its display fields) at /start and at start-auth, on the
// credential, in the token answer and export, filterable; bad values refused.
void endUserCheck(CheckContext& c) {
  World& w = c.world();
  const App app = primaryApp(c);
  const std::string uid = "eu-" + randomUuid();
  Flow flow(w, &c.trace());
  const std::string code = must(
      approvedCode(flow, app, w.integratorUri(), w.integratorUri(), "eu",
                   {{"end_user_id", uid}, {"end_user_email", "ana@example.com"},
                    {"end_user_display_name", "Ana Lima"}}),
      "flow with end_user_id");
  const Credential cred = must(flow.exchange(app, code), "code exchange");
  EXPECT_EQ(field(cred.raw, "end_user_id"), uid) << "C-9.1: the token answer lacks end_user_id";
  EXPECT_EQ(field(cred.raw, "end_user_email"), "ana@example.com");
  EXPECT_EQ(field(cred.raw, "end_user_display_name"), "Ana Lima");

  auto list = [&](const std::string& who) {
    const HttpResponse r = api(c, "GET", "/v1/credentials?end_user_id=" + percentEncode(who));
    EXPECT_EQ(r.status, 200) << printable(r.body, 300);
    std::vector<std::string> ids;
    if (auto j = parseJsonObject(r.body)) {
      for (const auto& item : j->value("data", Json::array())) {
        ids.push_back(item.value("id", ""));
        EXPECT_EQ(item.value("end_user_id", Json()), Json(who))
            << "C-9.2: the filter answered another end user's credential";
      }
    }
    return ids;
  };
  EXPECT_EQ(list(uid), std::vector<std::string>{cred.id}) << "C-9.2";
  EXPECT_TRUE(list("eu-nobody-" + randomUuid()).empty()) << "C-9.2: an unknown end user";
  // The export carries it, so an import of the line keeps it. (Checked now: the start-auth link
  // below may be the same provider account, which updates this credential, C-9.4.)
  const HttpResponse exported = api(c, "GET", "/v1/credentials/export");
  EXPECT_NE(exported.body.find("\"end_user_id\":\"" + uid + "\""), std::string::npos)
      << "C-9.1: the export does not carry end_user_id";

  // start-auth carries it through the start link.
  const std::string uid2 = "eu2-" + randomUuid();
  const HttpResponse created = api(c, "POST", "/v1/credentials/start-auth",
                                   withConnectionParams(w, app.provider,
                                                        Json{{"oauth_app_id", app.id},
                                                             {"redirect_uri", w.integratorUri()},
                                                             {"end_user_id", uid2}}));
  ASSERT_TRUE(created.status == 200 || created.status == 201) << printable(created.body, 300);
  const auto start_url = jsonString(parseJsonObject(created.body).value_or(Json::object()),
                                    "start_url");
  ASSERT_TRUE(start_url);
  Flow linked(w, &c.trace());
  must(linked.startAt(app.provider, *start_url), "GET start_url");
  const HttpResponse done = must(linked.callback(must(linked.consent(Decision::kApprove),
                                                      "consent")), "callback");
  const std::string location = must(Flow::redirectTarget(done, "callback"), "final");
  const auto params = must(linked.finalParams(location, w.integratorUri(),
                                              {std::nullopt, std::nullopt, w.publicUrl()}),
                           "final redirect");
  const Credential via_link = must(linked.exchange(app, *params.get("code")), "exchange");
  EXPECT_EQ(field(via_link.raw, "end_user_id"), uid2) << "C-9.1: start-auth's end_user_id lost";

  // Bad values: refused with a clear error, nothing started.
  for (const std::string& bad : {std::string(257, 'a'), std::string("a\x01" "b"),
                                 std::string("caf\xc3\xa9")}) {
    const HttpResponse r = api(c, "POST", "/v1/credentials/start-auth",
                               Json{{"oauth_app_id", app.id},
                                    {"redirect_uri", w.integratorUri()},
                                    {"end_user_id", bad}});
    expectJsonError(r, {400}, "start-auth with end_user_id " + printable(bad, 40));
  }
  expectJsonError(api(c, "POST", "/v1/credentials/start-auth",
                      Json{{"oauth_app_id", app.id},
                           {"redirect_uri", w.integratorUri()},
                           {"end_user_id", 42}}),
                  {400}, "start-auth with a numeric end_user_id");
  expectJsonError(api(c, "POST", "/v1/credentials/start-auth",
                      Json{{"oauth_app_id", app.id},
                           {"redirect_uri", w.integratorUri()},
                           {"end_user_email", "x@example.com"}}),
                  {400}, "start-auth with an e-mail but no end_user_id");
  expectJsonError(api(c, "GET", "/v1/credentials?end_user_id=" + percentEncode(std::string(300, 'x'))),
                  {400}, "a filter longer than 256 bytes");
  // At /start the refusal goes back to the integrator (C-1.1.2): no provider contacted.
  const int64_t mark = must(w.sim().mark(), "journal mark");
  Flow refused(w, &c.trace());
  const HttpResponse r = must(refused.start({app.provider, app.id, w.integratorUri(), "s",
                                             {{"end_user_id", std::string(300, 'z')}}}),
                              "/start with a long end_user_id");
  EXPECT_EQ(r.status, 302);
  EXPECT_NE(r.header("Location").value_or("").find("error=invalid_request"), std::string::npos)
      << "C-9.1: an end_user_id over 256 bytes was not refused: "
      << r.header("Location").value_or("(no Location)");
  EXPECT_EQ(providerUntouched(w, mark), "");

  // The start link's end user is in the export too.
  const HttpResponse exported_after = api(c, "GET", "/v1/credentials/export");
  EXPECT_NE(exported_after.body.find("\"end_user_id\":\"" + uid2 + "\""), std::string::npos)
      << "C-9.1: the export does not carry start-auth's end_user_id";
}

}  // namespace

void registerIdentityChecks(World& world) {
  for (const ProviderUnderTest& p : world.providers()) {
    registerCheck("ProviderSameAccount", p.slug,
                  {"provider.same_account", "",
                   p.slug},
                  sameAccountCheck);
  }
  registerCheck("Identity", "EndUser", {"identity.end_user", "", ""},
                endUserCheck);
}

}  // namespace linkgate::conformance
