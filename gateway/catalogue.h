// The provider catalogue: one strictly validated Dialect per gateway/catalogue/{slug}.json
// (schema: gateway/catalogue/README.md). Unknown fields or values are load errors.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "gateway/catalogue_account.h"
#include "gateway/catalogue_oidc.h"

namespace linkgate::gateway {

enum class ScopeSeparator { kSpace, kComma, kPlus, kNone };
// kNone is "not_supported"; kAcceptThenReject (a challenge is taken, a verifier refused) is
// treated like it: the gateway sends no challenge.
enum class PkceMode { kRequired, kSupported, kNone, kAcceptThenReject };
inline bool sendsPkce(PkceMode m) { return m == PkceMode::kRequired || m == PkceMode::kSupported; }
enum class IssCheck { kNone, kRequired };
enum class TokenMethod { kPost, kGet };
// kNone ("none", refresh only): the call carries no client credentials (Instagram's renewal).
enum class ClientAuth { kPost, kBasic, kQuery, kNone };
enum class Encoding { kForm, kJson, kQuery };
enum class ResponseFormat { kJson, kForm };
// kScope / kAuthorizeParam: issued when the authorization asks for that scope / parameter
// (docs/VOCABULARY.md); kOptIn: a choice the catalogue does not pin (an app setting).
enum class RefreshIssued { kAlways, kNever, kOptIn, kScope, kAuthorizeParam };
enum class Rotation { kNone, kStrict, kGrace, kUnknown };
enum class TokenIn { kBearer, kHeader, kQuery };

using NameValues = std::vector<std::pair<std::string, std::string>>;

struct ConnectionParam {
  std::string name, pattern, example, description;
  // Set when the provider reports the value in the callback query under this name (Sentry's
  // installationId) instead of the integrator sending it to /start; then only the token and
  // refresh URLs may use it.
  std::string from_callback;
  std::shared_ptr<const std::regex> regex;  // ECMAScript, matched in full
  bool matches(const std::string& value) const;
};

struct AuthorizationDialect {
  std::string client_id_param = "client_id";
  bool send_client_id = true;  // false: the URL names the app by an app param instead (Amazon)
  std::string response_type = "code";  // "" = omit
  ScopeSeparator scope_separator = ScopeSeparator::kSpace;
  std::vector<std::string> default_scopes;
  PkceMode pkce = PkceMode::kNone;
  NameValues extra_params;
  bool send_redirect_uri = true;
  std::string callback_code_param = "code";
  IssCheck iss = IssCheck::kNone;
  std::string issuer;
  std::vector<std::string> callback_extra_fields;
  // The callback is signed (Shopify `hmac`, core/query_signature.h) with the client secret.
  std::string callback_hmac;  // "" = unsigned
  // Callback parameters that must equal a template filled from the flow's connection params
  // (Shopify: shop = "{shop}.myshopify.com").
  NameValues callback_expect;
};

struct TokenRequestDialect {
  TokenMethod method = TokenMethod::kPost;
  ClientAuth client_auth = ClientAuth::kPost;
  std::string client_id_param = "client_id";
  Encoding encoding = Encoding::kForm;
  std::string accept = "application/json";
  bool send_redirect_uri = true;
  bool send_scope = false;
  std::string grant_type = "authorization_code";
  std::string token_param = "refresh_token";
  NameValues extra_params;
};

struct TokenResponseDialect {
  ResponseFormat format = ResponseFormat::kJson;
  std::vector<int> success_status = {200};
  std::string access_token = "access_token";
  std::string refresh_token = "refresh_token";
  std::string expires_in = "expires_in";
  std::optional<std::string> expires_at;
  std::string token_type = "token_type";
  std::string scope = "scope";
  // How the granted scope string is joined in answers when that differs from the authorization
  // request (GitHub: sent space separated, answered comma-joined); none = as authorization.
  std::optional<ScopeSeparator> scope_separator;
  std::string error = "error";
  std::string error_description = "error_description";
  std::optional<std::string> ok;
  NameValues extra_fields;  // credential field -> dotted path
  // Issue 15: the provider's own error codes that mean RFC 6749 §5.2 invalid_grant (HubSpot
  // BAD_REFRESH_TOKEN): a refresh refused so answers invalid_grant, not server_error.
  std::vector<std::string> invalid_grant_errors;
};

struct RefreshPolicy {
  RefreshIssued issued = RefreshIssued::kAlways;
  std::string issued_scope;   // kScope
  NameValues issued_param;    // kAuthorizeParam
  Rotation rotation = Rotation::kUnknown;
  // The provider revokes a refresh token unused for this long (Xero 60 days, Atlassian 90):
  // the background refresher exercises it before then (issue 13). 0 = not known to.
  int64_t idle_revocation_days = 0;
  // Issue 13: what the refresh call presents as token_param: the refresh token, or (Instagram,
  // Facebook: no refresh token exists) the current long-lived access token itself.
  bool presents_access_token = false;
  // The provider refuses to renew a token younger than this (Instagram: 24 h); the gateway then
  // refuses locally and sends nothing. 0 = no such rule.
  int64_t min_token_age_seconds = 0;
};

// Issue 13: a call made right after the code exchange that trades the new (short-lived) access
// token for a long-lived one before anything is stored (Instagram ig_exchange_token, Facebook
// fb_exchange_token). Parameter values are literals or exactly one of the templates
// {access_token}, {client_id}, {client_secret}; all go in the query (GET) or a form body.
struct TokenUpgrade {
  bool on = false;
  std::string url;  // https, {param} placeholders
  TokenMethod method = TokenMethod::kGet;
  NameValues params;
  TokenResponseDialect response;  // where the new token and its expiry sit
};

struct ApiDialect {
  TokenIn token_in = TokenIn::kBearer;
  std::string name;
};

// A call made with the new access token right after the code exchange, for what the token
// answer does not say (Xero tenantId, Atlassian cloudId, Mailchimp dc, HubSpot hub_id).
enum class DiscoveryTokenIn { kBearer, kHeader, kPath };
struct DiscoveryCall {
  std::string url;  // https, {param} placeholders; with kPath it ends in "/{access_token}"
  DiscoveryTokenIn token_in = DiscoveryTokenIn::kBearer;
  std::string header_name;    // kHeader
  std::string header_prefix;  // kHeader, e.g. "OAuth "
  NameValues extra_fields;    // credential field -> dotted path (digits index arrays); required
};

struct Dialect {
  std::string slug, display_name;
  std::vector<std::string> sources, assumed;
  std::string notes;
  std::vector<ConnectionParam> connection_params;  // per connection, from the /start request
  // Per OAuth app, from the app's `metadata` (Amazon's SP-API application_id): same shape and
  // rules as connection params, validated when the app is created or changed.
  std::vector<ConnectionParam> app_params;
  std::string authorization_url, token_url;
  std::optional<std::string> refresh_url, api_base_url;
  AuthorizationDialect authorization;
  TokenRequestDialect token_request;
  TokenRequestDialect refresh_request;  // defaults from token_request when absent
  TokenResponseDialect token_response;
  // The refresh answer when its shape differs (Slack: flat, while the code exchange nests the
  // user token under authed_user); absent = token_response.
  std::optional<TokenResponseDialect> refresh_response;
  RefreshPolicy refresh;
  TokenUpgrade token_upgrade;
  ApiDialect api;
  std::vector<DiscoveryCall> discovery;
  std::optional<OidcDialect> oidc;  // the provider speaks OpenID Connect (SPEC §8)
  AccountSource account;            // where the provider account id comes from (SPEC §9)

  const TokenResponseDialect& refreshResponse() const {
    return refresh_response ? *refresh_response : token_response;
  }
  // The connection or app param named `name`, or nullptr.
  const ConnectionParam* param(std::string_view name) const;
};

// Parses one catalogue document; `slug` is the file's base name. Errors: id "bad_catalogue",
// message "field: reason".
Result<Dialect> parseDialect(const Json& doc, const std::string& slug);

class Catalogue {
 public:
  // Loads every *.json of dir; the first bad file fails with "file: field: reason".
  static Result<Catalogue> load(const std::string& dir);
  void add(Dialect dialect);
  const Dialect* find(std::string_view slug) const;
  const std::map<std::string, Dialect, std::less<>>& all() const { return dialects_; }
  size_t size() const { return dialects_.size(); }

 private:
  std::map<std::string, Dialect, std::less<>> dialects_;
};

std::string_view wireName(ScopeSeparator v);
std::string_view wireName(PkceMode v);
std::string_view wireName(ClientAuth v);
std::string_view wireName(Encoding v);
std::string_view wireName(ResponseFormat v);
std::string_view wireName(RefreshIssued v);
std::string_view wireName(Rotation v);
std::string_view wireName(TokenIn v);
char separatorChar(ScopeSeparator v);  // ' ' for kNone
// refresh.issued as written in the catalogue: "always", "never", "opt_in", {"scope": S},
// {"authorize_param": {...}}.
Json issuedJson(const RefreshPolicy& r);

}  // namespace linkgate::gateway
