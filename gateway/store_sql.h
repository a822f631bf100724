// Store over any SqlDatabase: the queries (one SQL text for both engines), single use as
// "UPDATE ... WHERE used = 0" (exactly one caller sees a changed row), versioned migrations
// under the engine's lock, and housekeeping of expired single-use rows.
#pragma once
#include <atomic>
#include <memory>

#include "core/sealer.h"
#include "gateway/store.h"
#include "gateway/store_sql_engine.h"

namespace linkgate::gateway {

class SqlStore : public Store {
 public:
  SqlStore(std::unique_ptr<SqlDatabase> db, const KeyRing& keys)
      : db_(std::move(db)), keys_(keys) {}

  // The schema version the database is at (0 before the first migration).
  Result<int> schemaVersion();
  SqlDatabase& database() { return *db_; }

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

 protected:
  // Runs every pending migration in one transaction under the dialect's lock, so processes
  // starting together migrate once. Fails "store_schema" (e.g. a newer schema than ours).
  Status migrate();

 private:
  Result<SqlResult> run(std::string_view sql, const SqlParams& params);
  void purgeExpired(SqlConnection& c, int64_t before);

  std::unique_ptr<SqlDatabase> db_;
  const KeyRing& keys_;
  std::atomic<int> inserts_since_purge_{0};
};

}  // namespace linkgate::gateway
