// The integrator's management API under /v1 (SPEC §3), bearer API keys, JSON in and out.
// Every handler returns a plain response; refresh() and accessToken() call the provider.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "gateway/errors.h"
#include "gateway/refresh_outcome.h"
#include "gateway/services.h"
#include "web/http.h"

namespace linkgate::gateway {

struct RefreshGuard;  // credentials_api.cc

class ApiHandlers {
 public:
  // env_api_key: LINKGATE_API_KEY, accepted for the "default" account.
  ApiHandlers(Services& services, std::optional<std::string> env_api_key)
      : s_(services), env_api_key_(std::move(env_api_key)) {}

  // The account of the request's bearer key, or a 401 error.
  GwResult<std::string> authenticate(const web::Request& request);

  web::Response createApp(const web::Request& request, const std::string& account);
  web::Response listApps(const web::Request& request, const std::string& account);
  web::Response getApp(const web::Request& request, const std::string& account,
                       const std::string& id);
  web::Response patchApp(const web::Request& request, const std::string& account,
                         const std::string& id);
  // ?cascade=true deletes the app's credentials too; without it an app with credentials is 409.
  web::Response deleteApp(const web::Request& request, const std::string& account,
                          const std::string& id);

  web::Response createRedirectUri(const web::Request& request, const std::string& account);
  web::Response listRedirectUris(const std::string& account);
  web::Response deleteRedirectUri(const std::string& account, const std::string& id);

  web::Response listProviders();

  web::Response startAuth(const web::Request& request, const std::string& account);
  web::Response importCredential(const web::Request& request, const std::string& account);
  web::Response listCredentials(const web::Request& request, const std::string& account);
  web::Response getCredential(const web::Request& request, const std::string& account,
                              const std::string& id);
  web::Response deleteCredential(const std::string& account, const std::string& id);
  web::Response exportCredentials(const std::string& account);
  // Blocking: may call the provider.
  web::Response refreshCredential(const std::string& account, const std::string& id);
  web::Response accessToken(const std::string& account, const std::string& id);

  // ---- management API (issue 12): manage_api.cc ----
  web::Response createApiKey(const std::string& account);
  web::Response listApiKeys(const std::string& account);
  web::Response deleteApiKey(const std::string& account, const std::string& id);
  // application/x-ndjson, one import body a line; a per-line report (every line is tried).
  web::Response importCredentialsBulk(const web::Request& request, const std::string& account);
  // ---- webhooks (issue #13), webhooks_api.cc ----
  web::Response createWebhook(const web::Request& request, const std::string& account);
  web::Response listWebhooks(const std::string& account);
  web::Response getWebhook(const std::string& account, const std::string& id);
  web::Response deleteWebhook(const std::string& account, const std::string& id);
  web::Response listDeliveries(const web::Request& request, const std::string& account,
                               const std::string& id);
  web::Response redeliver(const std::string& account, const std::string& id,
                          const std::string& delivery_id);
  // ---- start links (issue 17), start_links_api.cc ----
  // Newest first; ?provider=, ?oauth_app_id=, ?end_user_id=, ?limit=, ?cursor=.
  web::Response listStartLinks(const web::Request& request, const std::string& account);
  web::Response getStartLink(const std::string& account, const std::string& id);
  web::Response deleteStartLink(const std::string& account, const std::string& id);
  // The background refresher's step (gateway/refresher.h): under the same single-flight lock
  // as the API paths, re-reads credential id and refreshes it iff `due` still holds for it.
  RefreshAttempt refreshIfDue(const std::string& id,
                              const std::function<bool(const Credential&)>& due);

  // ---- provider isolation (issue 15 item 1), credentials_api.cc ----
  // The provider that POST .../refresh (refresh) or GET .../access-token (!refresh) of the
  // account's credential `id` would call now; nullopt when it would call none (no such
  // credential, no refresh token, an access token that is still fresh).
  std::optional<std::string> providerCallFor(const std::string& account, const std::string& id,
                                             bool refresh);

  static constexpr std::string_view kDefaultAccount = "default";
  static constexpr int64_t kDefaultPageSize = 1000, kMaxPageSize = 1000;

 private:
  struct Imported {
    bool created = false;
    Credential credential;
  };
  // A start link as the API shows it (never its token); provider "" when unknown.
  Json startLinkJson(const StartLinkInfo& info, const std::string& provider);
  // One import body (POST /v1/credentials, or one line of the bulk import).
  GwResult<Imported> importOne(const Json& body, const std::string& account);

  // Refreshes the credential at the provider and stores the result (serialized per credential).
  // On failure *failure (if given) says whether it was transient or permanent.
  GwResult<Credential> refreshLocked(const Credential& credential,
                                     RefreshFailure* failure = nullptr);
  // Waits until this caller alone may refresh credential id, in this process and in every
  // other gateway instance on the same store (Store::lock).
  GwResult<std::unique_ptr<RefreshGuard>> holdRefresh(const std::string& id);

  Services& s_;
  std::optional<std::string> env_api_key_;
  std::mutex refresh_mu_;  // guards refresh_locks_
  // One mutex per credential being refreshed: this process's callers queue on it before the
  // store's cross-instance lock, so waiting holds no database connection.
  std::map<std::string, std::weak_ptr<std::mutex>> refresh_locks_;
};

}  // namespace linkgate::gateway
