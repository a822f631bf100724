// How each record is kept at rest, whatever the engine: which fields are columns, which are
// sealed (AES-256-GCM under the KeyRing, the row's id as associated data) and which lookup
// secrets are stored as SHA-256 only. A record becomes the parameters of one INSERT and comes
// back from one SELECT's cells, in the column order of the k*Columns constants.
#pragma once
#include <string>

#include "core/sealer.h"
#include "gateway/store.h"
#include "gateway/store_sql_engine.h"

namespace linkgate::gateway::records {

std::string lookupHash(const std::string& secret);  // sha256 hex

inline constexpr const char* kAppColumns =
    "id, account_id, provider, client_id, client_secret_sealed, name, default_scopes, metadata, "
    "created_at, updated_at";
Result<SqlParams> appParams(const OAuthApp& app, const KeyRing& keys);
Result<OAuthApp> appFrom(const SqlRow& row, const KeyRing& keys);

inline constexpr const char* kRedirectUriColumns = "id, account_id, url, created_at";
SqlParams redirectUriParams(const RedirectUri& uri);
RedirectUri redirectUriFrom(const SqlRow& row);

inline constexpr const char* kFlowColumns =
    "id, state_hash, app_id, provider, sealed, created_at, expires_at";
Result<SqlParams> flowParams(const Flow& flow, const KeyRing& keys);
// The state is not stored (only its hash): the caller passes the one it looked up by.
Result<Flow> flowFrom(const SqlRow& row, const std::string& state, const KeyRing& keys);
// Issue 10: the whole flow sealed for its browser cookie (the state as associated data, so it
// opens for that state only), and back.
Result<std::string> sealedFlow(const Flow& flow, const KeyRing& keys);
Result<Flow> sealedFlowFrom(const std::string& sealed, const std::string& state,
                            const KeyRing& keys);

inline constexpr const char* kStartLinkColumns = "token_hash, account_id, sealed, expires_at";
Result<SqlParams> startLinkParams(const StartLink& link, const KeyRing& keys);
Result<StartLink> startLinkFrom(const SqlRow& row, const std::string& token, const KeyRing& keys);

inline constexpr const char* kCredentialColumns =
    "id, account_id, app_id, provider, provider_account_hash, sealed, connection_params, "
    "health_status, health_detail, created_at, updated_at, end_user_id";
Result<SqlParams> credentialParams(const Credential& c, const KeyRing& keys);
Result<Credential> credentialFrom(const SqlRow& row, const KeyRing& keys);

inline constexpr const char* kCodeColumns =
    "code_hash, credential_id, app_id, account_id, sealed, expires_at";
Result<SqlParams> codeParams(const AuthCode& code, const KeyRing& keys);
Result<AuthCode> codeFrom(const SqlRow& row, const std::string& code, const KeyRing& keys);

}  // namespace linkgate::gateway::records
