// The gateway's persistent state behind one narrow interface (SqliteStore: one file, one box;
// PgStore: PostgreSQL shared by many gateway instances). Records carry plaintext; stores hash
// lookup secrets (API keys, states, codes, start tokens) and seal stored secrets (client
// secrets, tokens, verifiers) at rest (store_records.h). Every write is durable before the call
// returns. All methods are thread-safe. Errors: "store_unavailable" when the database cannot
// be reached (answer 503, try again), "store_error" otherwise.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "gateway/webhook_types.h"  // webhooks (issue #13)

namespace linkgate::gateway {

struct OAuthApp {
  std::string id, account_id, provider, client_id, client_secret, name;
  std::vector<std::string> default_scopes;
  Json metadata = Json::object();
  int64_t created_at = 0, updated_at = 0;
};

// The integrator's own user a flow is made for (SPEC §9; issue 13 "End-user identity"): an
// id of the integrator's choosing plus optional display fields. Empty id = none.
struct EndUser {
  std::string id, email, display_name;
  bool operator==(const EndUser&) const = default;
};

struct RedirectUri {
  std::string id, account_id, url;
  int64_t created_at = 0;
};

// One browser's trip through the provider, keyed by the gateway state (stored hashed).
struct Flow {
  std::string id, state;
  std::string cookie_hash;  // sha256 hex of the flow cookie's value
  std::string account_id, app_id, provider, redirect_uri;
  std::optional<std::string> integrator_state;
  bool state_is_json = false;  // start links carry JSON state
  std::vector<std::string> scopes;
  Json connection_params = Json::object();
  std::optional<std::string> provider_code_verifier;  // PKCE toward the provider
  std::optional<std::string> code_challenge;          // the integrator's S256 challenge
  bool debug = false;
  EndUser end_user;  // sealed with the flow: the browser cannot change it
  int64_t created_at = 0, expires_at = 0;
};

// A start link of POST /v1/credentials/start-auth (token stored hashed).
struct StartLink {
  std::string token, account_id, app_id, redirect_uri;
  std::optional<std::string> state;  // JSON text
  std::optional<std::string> scope;
  Json connection_params = Json::object();
  EndUser end_user;
  int64_t created_at = 0;  // 0 for links made before it was kept (sealed, no column)
  int64_t expires_at = 0;
};

struct Credential {
  std::string id, account_id, app_id, provider;
  Json properties = Json::object();  // kind, tokens, scope, expires_at, extra fields (sealed)
  Json connection_params = Json::object();
  // Identity key for idempotent import (SPEC §3 "same provider account"): "id:<provider
  // account id>" when one is known, else "rt:<refresh token>" or "at:<access token>"
  // (credentialIdentity). Stored sealed with the properties and as a hash for lookups.
  std::string provider_account;
  std::string health_status = "ok";  // ok | error
  std::string health_detail;
  EndUser end_user;  // id as a column (GET /v1/credentials?end_user_id=), all fields sealed
  int64_t created_at = 0, updated_at = 0;
};

// A gateway code handed to the integrator (stored hashed).
struct AuthCode {
  std::string code, credential_id, app_id, account_id;
  std::optional<std::string> code_challenge;
  std::optional<std::string> integrator_state;
  bool state_is_json = false;
  int64_t expires_at = 0;
};

// ---- the start hop's read-through cache (issue 10) ----
// An app with its account's redirect URIs: what GET /link/oauth2/start reads.
struct StartConfig {
  OAuthApp app;
  std::vector<RedirectUri> redirect_uris;
};

struct StoreCounts {
  int64_t pending_flows = 0;
  int64_t credentials_ok = 0;
  int64_t credentials_error = 0;  // any health status but "ok"
  int64_t api_keys = 0;
};

// ---- management API (issue 12): API keys, credential pages, app deletion ----

// A stored API key as the API lists it: never the key itself.
struct ApiKeyInfo {
  std::string id;      // first 16 hex digits of the key's SHA-256: stable, not secret
  std::string prefix;  // the key's first 8 characters ("" for keys made before it was kept)
  std::string account_id;
  int64_t created_at = 0;
};

// One page of an account's credentials in (created_at, id) order, optionally filtered.
struct CredentialQuery {
  std::optional<std::string> provider, app_id, end_user_id;  // end_user_id: issue 13
  std::optional<std::pair<int64_t, std::string>> after;  // the last (created_at, id) seen
  int64_t limit = 100;
};

// What deleteAppChecked did: found = the app exists in the account; credentials = how many
// credentials it has (left alone, and the app kept, unless cascade).
struct AppDeletion {
  bool found = false;
  bool deleted = false;
  int64_t credentials = 0;
};

// ---- start-link management (issue 17): GET/DELETE /v1/start-links ----
// A stored start link as the API lists it: the token is never kept in clear and never shown;
// id = the first 16 hex digits of the token's SHA-256 (stable, not secret).
struct StartLinkInfo {
  std::string id;
  StartLink link;  // link.token is empty
  bool used = false;
};
// One page of an account's start links, newest first ((expires_at, id) descending).
struct StartLinkQuery {
  std::optional<std::vector<std::string>> app_ids;  // only links of these apps
  std::optional<std::string> end_user_id;
  std::optional<std::pair<int64_t, std::string>> after;  // the last (expires_at, id) seen
  int64_t limit = 100;
};

// ---- background refresher (issue 13): what is due, and who may refresh it ----
// A credential the refresher should look at: its access token expires soon, or its refresh
// token has been idle long enough that the provider would revoke it.
struct RefreshCandidate {
  std::string credential_id, provider;
};
struct RefreshQuery {
  int64_t now = 0;
  int64_t expires_before = 0;  // token expiry (Unix s) at or before this is due
  // provider -> tokens last obtained at or before this are due (idle revocation)
  std::vector<std::pair<std::string, int64_t>> idle_before;
  size_t limit = 500;
};

// A held lock (see Store::lock); released when destroyed.
class StoreLock {
 public:
  virtual ~StoreLock() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // True when a read is a local library call that never waits on a network or a sync (SQLite:
  // one statement under a mutex), so a reactor thread may answer a read-only route itself.
  virtual bool readsAreLocal() const { return false; }

  // Exclusive among every gateway process sharing this store, until the returned object is
  // destroyed or the process holding it dies (e.g. one refresh per credential). Waits a
  // bounded time; fails "lock_timeout" or "store_unavailable".
  virtual Result<std::unique_ptr<StoreLock>> lock(const std::string& name) = 0;

  virtual Status addApiKey(const std::string& key, const std::string& account_id,
                           int64_t now) = 0;
  // The account of a presented API key, or nullopt.
  virtual Result<std::optional<std::string>> accountForApiKey(const std::string& key) = 0;

  virtual Status insertApp(const OAuthApp& app) = 0;
  virtual Result<std::optional<OAuthApp>> findApp(const std::string& id) = 0;
  virtual Result<std::vector<OAuthApp>> listApps(const std::string& account_id) = 0;
  virtual Status updateApp(const OAuthApp& app) = 0;
  virtual Result<bool> deleteApp(const std::string& account_id, const std::string& id) = 0;

  virtual Status insertRedirectUri(const RedirectUri& uri) = 0;
  virtual Result<std::vector<RedirectUri>> listRedirectUris(const std::string& account_id) = 0;
  virtual Result<bool> deleteRedirectUri(const std::string& account_id, const std::string& id) = 0;

  virtual Status insertFlow(const Flow& flow) = 0;
  // The flow of a gateway state, used or not (callers check expiry); nullopt when unknown.
  virtual Result<std::optional<Flow>> findFlowByState(const std::string& state) = 0;
  // Marks the flow used; true for exactly one caller, and only before it expires.
  virtual Result<bool> consumeFlow(const std::string& flow_id, int64_t now) = 0;
  // Issue 10: a flow sealed whole into its browser cookie, so a start writes nothing. The
  // sealed text opens only for the same state (and fails "store_error" otherwise). A sealed
  // flow has no row: consumeSealedFlow records its id until it expires — true for exactly one
  // caller on every instance sharing the database, and only before expires_at.
  virtual Result<std::string> sealFlow(const Flow& flow) = 0;
  virtual Result<Flow> openSealedFlow(const std::string& sealed, const std::string& state) = 0;
  virtual Result<bool> consumeSealedFlow(const std::string& flow_id, int64_t expires_at,
                                         int64_t now) = 0;

  virtual Status insertStartLink(const StartLink& link) = 0;
  // Atomically uses an unexpired, unused start link; nullopt otherwise.
  virtual Result<std::optional<StartLink>> consumeStartLink(const std::string& token,
                                                            int64_t now) = 0;

  // Stores (insert or replace) the credential and the code that redeems it in one transaction.
  virtual Status saveCredentialWithCode(const Credential& credential, const AuthCode& code) = 0;
  virtual Status saveCredential(const Credential& credential) = 0;
  virtual Result<std::optional<Credential>> findCredential(const std::string& id) = 0;
  virtual Result<std::optional<Credential>> findCredentialByProviderAccount(
      const std::string& account_id, const std::string& app_id,
      const std::string& provider_account) = 0;
  virtual Result<std::vector<Credential>> listCredentials(const std::string& account_id) = 0;
  virtual Result<bool> deleteCredential(const std::string& account_id, const std::string& id) = 0;

  virtual Result<std::optional<AuthCode>> findCode(const std::string& code) = 0;
  // Marks the code used iff unused, unexpired and of app_id; true for exactly one caller.
  virtual Result<bool> consumeCode(const std::string& code, const std::string& app_id,
                                   int64_t now) = 0;

  // ---- the start hop's read-through cache (issue 10) ----
  // The app (nullopt when unknown) and its account's redirect URIs, as fresh as findApp and
  // listRedirectUris. SqlStore answers from memory after one check of the account's
  // configuration generation (store_sql_start_config.cc); this default reads both.
  virtual Result<std::optional<StartConfig>> findStartConfig(const std::string& app_id) {
    auto app = findApp(app_id);
    if (!app) return std::unexpected(app.error());
    if (!*app) return std::optional<StartConfig>();
    auto uris = listRedirectUris((*app)->account_id);
    if (!uris) return std::unexpected(uris.error());
    return std::optional<StartConfig>(StartConfig{std::move(**app), std::move(*uris)});
  }
  // The app, as fresh as findApp, from the same cache: the callback and the token endpoint
  // read it on every request (on SQLite, with no query while no app has been written).
  Result<std::optional<OAuthApp>> findAppCached(const std::string& app_id) {
    auto config = findStartConfig(app_id);
    if (!config) return std::unexpected(config.error());
    if (!*config) return std::optional<OAuthApp>();
    return std::optional<OAuthApp>(std::move((*config)->app));
  }
  // ---- Operations (issue 12): gauges and the master-key check ----
  // Unused unexpired flows, credentials by health, API keys.
  virtual Result<StoreCounts> counts(int64_t now) = 0;
  // The first call seals a known text under the current master key and stores it; every later
  // call must open it. Fails "wrong_master_key" when no key of the ring opens it (the gateway
  // was started with another key than the one that sealed this database's secrets).
  virtual Status checkMasterKey() = 0;
  // ---- management API (issue 12) ----
  virtual Result<std::vector<ApiKeyInfo>> listApiKeys(const std::string& account_id) = 0;
  // Revokes the account's key of that id; false when there is none.
  virtual Result<bool> deleteApiKey(const std::string& account_id, const std::string& id) = 0;
  // At most query.limit credentials after query.after, in (created_at, id) order.
  virtual Result<std::vector<Credential>> listCredentialsPage(const std::string& account_id,
                                                              const CredentialQuery& query) = 0;
  // In one transaction: deletes the app unless it has credentials and !cascade; with cascade
  // its credentials, their codes and its pending flows go too. Never leaves an orphan.
  // events (if set) gives the webhook events of each credential a cascade deletes: they are
  // queued in the same transaction (issue 12: credential.deleted, as the single delete).
  using CredentialEvents = std::function<std::vector<WebhookEvent>(const Credential&)>;
  virtual Result<AppDeletion> deleteAppChecked(const std::string& account_id,
                                               const std::string& id, bool cascade,
                                               const CredentialEvents& events = {}) = 0;
  // ---- start-link management (issue 17) ----
  virtual Result<std::vector<StartLinkInfo>> listStartLinks(const std::string& account_id,
                                                            const StartLinkQuery& query) = 0;
  // The account's start link of that id (used or not, expired or not); nullopt otherwise.
  virtual Result<std::optional<StartLinkInfo>> findStartLink(const std::string& account_id,
                                                             const std::string& id) = 0;
  // Deletes it: its URL then answers as an unknown link. False when the account has none.
  virtual Result<bool> deleteStartLink(const std::string& account_id, const std::string& id) = 0;
  // ---- webhooks (issue #13) ----
  virtual Status insertWebhook(const WebhookEndpoint& endpoint) = 0;
  virtual Result<std::vector<WebhookEndpoint>> listWebhooks(const std::string& account_id) = 0;
  virtual Result<std::optional<WebhookEndpoint>> findWebhook(const std::string& account_id,
                                                             const std::string& id) = 0;
  // Deletes the endpoint and its deliveries (pending ones are never sent).
  virtual Result<bool> deleteWebhook(const std::string& account_id, const std::string& id) = 0;
  // The outbox: each event becomes one pending delivery per endpoint of its account that
  // subscribes to its type, in ONE transaction with the credential change, so a committed
  // change always has its deliveries and a failed one has none. code: as in
  // saveCredentialWithCode (nullptr: none). E.g. a background refresher's permanent failure:
  // saveCredentialEmitting(c, nullptr, {credentialEvent(kCredentialRefreshFailed, c, ...)}).
  virtual Status saveCredentialEmitting(const Credential& credential, const AuthCode* code,
                                        const std::vector<WebhookEvent>& events) = 0;
  // deleteCredential + events, committed only when a credential was deleted.
  virtual Result<bool> deleteCredentialEmitting(const std::string& account_id,
                                                const std::string& id,
                                                const std::vector<WebhookEvent>& events) = 0;
  // Events that go with no stored change.
  virtual Status emitEvents(const std::vector<WebhookEvent>& events) = 0;
  // An endpoint's deliveries, newest first (at most limit).
  virtual Result<std::vector<WebhookDelivery>> listDeliveries(const std::string& account_id,
                                                              const std::string& endpoint_id,
                                                              int64_t limit) = 0;
  // A new pending delivery (id new_id, due now_ms) of the event of delivery_id; nullopt when
  // the endpoint has no such delivery.
  virtual Result<std::optional<WebhookDelivery>> redeliver(const std::string& account_id,
                                                           const std::string& endpoint_id,
                                                           const std::string& delivery_id,
                                                           const std::string& new_id,
                                                           int64_t now_ms) = 0;
  // Leases up to limit due pending deliveries to owner until lease_until_ms. A delivery is
  // leased to one caller at a time among every process on the store (PostgreSQL: FOR UPDATE
  // SKIP LOCKED); an expired lease (its holder died) makes it claimable again.
  virtual Result<std::vector<WebhookDelivery>> claimDeliveries(const std::string& owner,
                                                               int64_t now_ms,
                                                               int64_t lease_until_ms,
                                                               int64_t limit) = 0;
  // Records an attempt and releases the lease; false when owner no longer holds it.
  virtual Result<bool> finishDelivery(const std::string& delivery_id, const std::string& owner,
                                      const DeliveryOutcome& outcome) = 0;
  // ---- background refresher (issue 13) ----
  // Healthy credentials with a refresh token that are due (RefreshQuery), not leased and not
  // waiting for a retry, soonest expiry first. Credentials stored before the refresher existed
  // are indexed on the way (their expiry is read from the sealed properties once).
  virtual Result<std::vector<RefreshCandidate>> refreshCandidates(const RefreshQuery& query) = 0;
  // Takes the refresh lease of a credential for owner until `until`, iff nobody holds an
  // unexpired one and no retry is pending (retry_at <= now). The transient failures so far
  // when taken, nullopt when another instance has it. Exactly one caller wins.
  virtual Result<std::optional<int>> claimRefreshLease(const std::string& credential_id,
                                                       const std::string& owner, int64_t now,
                                                       int64_t until) = 0;
  // Gives the lease back: failures = 0 and no retry after a success or a permanent failure;
  // after a transient one the failure count and the time of the next attempt.
  virtual Status releaseRefreshLease(const std::string& credential_id, const std::string& owner,
                                     int failures, int64_t retry_at) = 0;
  // ---- abuse (issue #15): lockouts shared by every instance, the pending-flow cap ----
  // When subject (e.g. "client:<app id>") is locked out until (Unix seconds); 0 when never.
  virtual Result<int64_t> lockedUntil(const std::string& subject) = 0;
  // Counts one failed authentication of subject at now, atomically among all instances: the
  // count restarts when its window (window_s) is over; the failure that makes it `threshold`
  // locks subject until now + lock_s and restarts the count. Returns locked_until (> now when
  // subject is locked). Amortised: prunes rows whose window and lock are over.
  virtual Result<int64_t> recordAuthFailure(const std::string& subject, int64_t now,
                                            int64_t threshold, int64_t window_s,
                                            int64_t lock_s) = 0;
  // Flow rows that have not expired (used or not): what the pending-flow cap bounds.
  virtual Result<int64_t> countUnexpiredFlows(int64_t now) = 0;
};

}  // namespace linkgate::gateway
