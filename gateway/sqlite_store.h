// Store on one SQLite file: WAL, synchronous=FULL (a commit is durable before we answer),
// a schema_version table upgraded on open, secrets sealed with the KeyRing (AES-256-GCM, key id
// in every sealed value) and lookup secrets stored as SHA-256 only.
#pragma once
#include <memory>
#include <mutex>
#include <string>

#include "core/sealer.h"
#include "gateway/store.h"

struct sqlite3;

namespace linkgate::gateway {

class SqliteStore final : public Store {
 public:
  static constexpr int kSchemaVersion = 1;

  // Opens (creating if needed) and upgrades the schema. Fails "store_open" / "store_schema".
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, const KeyRing& keys);
  ~SqliteStore() override;

  int schemaVersion();

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

 private:
  SqliteStore(sqlite3* db, const KeyRing& keys) : db_(db), keys_(keys) {}
  Status migrate();
  Status exec(const char* sql);
  Status saveCredentialLocked(const Credential& credential);
  void purgeExpiredLocked(int64_t before);

  std::mutex mu_;  // one connection, one writer at a time
  sqlite3* db_;
  const KeyRing& keys_;
  int inserts_since_purge_ = 0;  // guarded by mu_
};

}  // namespace linkgate::gateway
