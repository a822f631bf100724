// Store over any SqlDatabase: the queries (one SQL text for both engines), single use as
// "UPDATE ... WHERE used = 0" (exactly one caller sees a changed row), versioned migrations
// under the engine's lock, and housekeeping of expired single-use rows.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/sealer.h"
#include "gateway/store.h"
#include "gateway/store_sql_engine.h"

namespace linkgate::gateway {

// The associated data of the master-key check row (store_sql_ops.cc, key_rotation.cc).
inline constexpr std::string_view kKeyCheckAad = "key_check";

class SqlStore : public Store {
 public:
  SqlStore(std::unique_ptr<SqlDatabase> db, const KeyRing& keys)
      : db_(std::move(db)), keys_(keys) {}

  // The schema version the database is at (0 before the first migration).
  Result<int> schemaVersion();
  SqlDatabase& database() { return *db_; }
  bool readsAreLocal() const override { return db_->dialect().local_reads; }

  Result<std::unique_ptr<StoreLock>> lock(const std::string& name) override;

  Status addApiKey(const std::string& key, const std::string& account_id, int64_t now) override;
  Result<std::optional<std::string>> accountForApiKey(const std::string& key) override;

  Status insertApp(const OAuthApp& app) override;
  Result<std::optional<OAuthApp>> findApp(const std::string& id) override;
  Result<std::vector<OAuthApp>> listApps(const std::string& account_id) override;
  Status updateApp(const OAuthApp& app) override;
  Result<bool> deleteApp(const std::string& account_id, const std::string& id) override;

  Status insertRedirectUri(const RedirectUri& uri) override;
  Result<std::vector<RedirectUri>> listRedirectUris(const std::string& account_id) override;
  Result<bool> deleteRedirectUri(const std::string& account_id, const std::string& id) override;

  Status insertFlow(const Flow& flow) override;
  Result<std::optional<Flow>> findFlowByState(const std::string& state) override;
  Result<bool> consumeFlow(const std::string& flow_id, int64_t now) override;
  Result<std::string> sealFlow(const Flow& flow) override;
  Result<Flow> openSealedFlow(const std::string& sealed, const std::string& state) override;
  Result<bool> consumeSealedFlow(const std::string& flow_id, int64_t expires_at,
                                 int64_t now) override;

  Status insertStartLink(const StartLink& link) override;
  Result<std::optional<StartLink>> consumeStartLink(const std::string& token,
                                                    int64_t now) override;

  Status saveCredentialWithCode(const Credential& credential, const AuthCode& code) override;
  Status saveCredential(const Credential& credential) override;
  Result<std::optional<Credential>> findCredential(const std::string& id) override;
  Result<std::optional<Credential>> findCredentialByProviderAccount(
      const std::string& account_id, const std::string& app_id,
      const std::string& provider_account) override;
  Result<std::vector<Credential>> listCredentials(const std::string& account_id) override;
  Result<bool> deleteCredential(const std::string& account_id, const std::string& id) override;

  Result<std::optional<AuthCode>> findCode(const std::string& code) override;
  Result<bool> consumeCode(const std::string& code, const std::string& app_id,
                           int64_t now) override;

  // ---- the start hop's read-through cache (issue 10), store_sql_start_config.cc ----
  Result<std::optional<StartConfig>> findStartConfig(const std::string& app_id) override;
  // ---- Operations (issue 12), store_sql_ops.cc ----
  Result<StoreCounts> counts(int64_t now) override;
  Status checkMasterKey() override;
  // ---- management API (issue 12): store_sql_manage.cc ----
  Result<std::vector<ApiKeyInfo>> listApiKeys(const std::string& account_id) override;
  Result<bool> deleteApiKey(const std::string& account_id, const std::string& id) override;
  Result<std::vector<Credential>> listCredentialsPage(const std::string& account_id,
                                                      const CredentialQuery& query) override;
  Result<AppDeletion> deleteAppChecked(const std::string& account_id, const std::string& id,
                                       bool cascade, const CredentialEvents& events = {}) override;
  // ---- start-link management (issue 17), store_sql.cc ----
  Result<std::vector<StartLinkInfo>> listStartLinks(const std::string& account_id,
                                                    const StartLinkQuery& query) override;
  Result<std::optional<StartLinkInfo>> findStartLink(const std::string& account_id,
                                                     const std::string& id) override;
  Result<bool> deleteStartLink(const std::string& account_id, const std::string& id) override;
  // ---- webhooks (issue #13), store_sql_webhooks.cc ----
  Status insertWebhook(const WebhookEndpoint& endpoint) override;
  Result<std::vector<WebhookEndpoint>> listWebhooks(const std::string& account_id) override;
  Result<std::optional<WebhookEndpoint>> findWebhook(const std::string& account_id,
                                                     const std::string& id) override;
  Result<bool> deleteWebhook(const std::string& account_id, const std::string& id) override;
  Status saveCredentialEmitting(const Credential& credential, const AuthCode* code,
                                const std::vector<WebhookEvent>& events) override;
  Result<bool> deleteCredentialEmitting(const std::string& account_id, const std::string& id,
                                        const std::vector<WebhookEvent>& events) override;
  Status emitEvents(const std::vector<WebhookEvent>& events) override;
  Result<std::vector<WebhookDelivery>> listDeliveries(const std::string& account_id,
                                                      const std::string& endpoint_id,
                                                      int64_t limit) override;
  Result<std::optional<WebhookDelivery>> redeliver(const std::string& account_id,
                                                   const std::string& endpoint_id,
                                                   const std::string& delivery_id,
                                                   const std::string& new_id,
                                                   int64_t now_ms) override;
  Result<std::vector<WebhookDelivery>> claimDeliveries(const std::string& owner, int64_t now_ms,
                                                       int64_t lease_until_ms,
                                                       int64_t limit) override;
  Result<bool> finishDelivery(const std::string& delivery_id, const std::string& owner,
                              const DeliveryOutcome& outcome) override;
  // ---- background refresher (issue 13; store_sql_refresh.cc) ----
  Result<std::vector<RefreshCandidate>> refreshCandidates(const RefreshQuery& query) override;
  Result<std::optional<int>> claimRefreshLease(const std::string& credential_id,
                                               const std::string& owner, int64_t now,
                                               int64_t until) override;
  Status releaseRefreshLease(const std::string& credential_id, const std::string& owner,
                             int failures, int64_t retry_at) override;
  // The refresher's columns of a credential (its token expiry, whether it can be refreshed),
  // written with every save of the credential, on the same connection.
  static Status writeRefreshColumns(SqlConnection& c, const Credential& credential);
  // ---- abuse (issue #15), store_sql_abuse.cc ----
  Result<int64_t> lockedUntil(const std::string& subject) override;
  Result<int64_t> recordAuthFailure(const std::string& subject, int64_t now, int64_t threshold,
                                    int64_t window_s, int64_t lock_s) override;
  Result<int64_t> countUnexpiredFlows(int64_t now) override;

 protected:
  // Runs every pending migration in one transaction under the dialect's lock, so processes
  // starting together migrate once. Fails "store_schema" (e.g. a newer schema than ours).
  Status migrate();

 private:
  Result<SqlResult> run(std::string_view sql, const SqlParams& params);
  void purgeExpired(SqlConnection& c, int64_t before);
  // Webhooks: one pending delivery per subscribed endpoint of each event, on c (inside the
  // caller's transaction).
  Status fanOut(SqlConnection& c, const std::vector<WebhookEvent>& events);

  // ---- the start hop's read-through cache (issue 10), store_sql_start_config.cc ----
  // Every app or redirect-URI write bumps its account's generation after the write; a cached
  // StartConfig is used only while the generation read before it was loaded is still current.
  Status bumpConfigGeneration(const std::string& account_id);
  // deleteAppChecked's transaction (store_sql_manage.cc).
  Result<AppDeletion> deleteAppInTransaction(const std::string& account_id, const std::string& id,
                                             bool cascade, const CredentialEvents& events);
  Result<int64_t> configGeneration(const std::string& account_id);
  // Announces an app or redirect-URI write to the engine's ConfigSignal, if it has one.
  ConfigSignal::Write configWrite() { return ConfigSignal::Write(db_->configSignal()); }
  struct CachedStartConfig {
    int64_t generation = 0;
    std::optional<uint64_t> announced;  // ConfigSignal::stable() read before generation
    std::shared_ptr<const StartConfig> config;
  };
  std::mutex start_cache_mu_;
  std::unordered_map<std::string, CachedStartConfig> start_cache_;  // by app id

  std::unique_ptr<SqlDatabase> db_;
  const KeyRing& keys_;
  std::atomic<int> inserts_since_purge_{0};
  std::atomic<int> failures_since_purge_{0};  // abuse (issue #15)
};

}  // namespace linkgate::gateway
