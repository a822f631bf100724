// Typed emulation profile of one provider. fixtures/providers/README.md is the contract; the
// strict loader (profile_loader.h) is the only way to build one from a file.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "simulator/oidc_spec.h"

namespace linkgate::sim {

enum class ScopeSeparator { kSpace, kComma, kPlus, kNone };
enum class PkceMode { kRequired, kSupported, kNotSupported, kAcceptThenReject };
enum class ClientAuth { kPost, kBasic, kQuery };
enum class Encoding { kForm, kJson, kQuery };
enum class ExpiresIn { kNumber, kString, kAbsent, kZero };
enum class ResponseFormat { kJson, kForm, kFormUnlessAcceptJson };
enum class ErrorStyle { kRfc, kHttp200, kProvider };
enum class Rotation { kNone, kStrict, kGrace };
enum class TokenIn { kBearer, kHeader, kQuery };
enum class IssueKind { kAlways, kNever, kScope, kAuthorizeParam };
// How a resource (discovery) call carries the access token: Authorization Bearer, a named
// header with a value prefix, or the URL's last path segment.
enum class ResourceTokenIn { kBearer, kHeader, kPath };
// Which access tokens a long_lived call takes (issue 13).
enum class TradeAccepts { kShortLived, kLongLived, kAny };

// Wire names, as written in profiles and shown by /_sim/providers.
std::string_view wireName(ScopeSeparator v);
std::string_view wireName(PkceMode v);
std::string_view wireName(ClientAuth v);
std::string_view wireName(Encoding v);
std::string_view wireName(ExpiresIn v);
std::string_view wireName(ResponseFormat v);
std::string_view wireName(ErrorStyle v);
std::string_view wireName(Rotation v);
std::string_view wireName(TokenIn v);
std::string_view wireName(IssueKind v);
std::string_view wireName(ResourceTokenIn v);
std::string_view wireName(TradeAccepts v);
// The character(s) scopes are joined with (space for kNone).
std::string_view separatorText(ScopeSeparator v);
// Splits a decoded scope value on the separator's text; empty parts are kept (the callers
// reject them as unknown scopes).
std::vector<std::string> splitScopes(const std::string& text, ScopeSeparator separator);

using StringMap = std::map<std::string, std::string>;

struct ParamSpec {
  std::string pattern;  // ECMAScript, anchored by the simulator
  std::string example;
  // A value the provider fixes per OAuth client, not per request (Cognito's user pool id in the
  // issuer): given at client registration, else the example. Only the oidc URLs use it.
  bool per_client = false;
};

struct Endpoints {
  std::string authorize;               // https URL, may contain {param}
  std::string token;
  std::optional<std::string> refresh;  // separate URL for the refresh grant
};

// What the real provider accepts beyond its documented form (fixtures/providers/README.md,
// "Tolerances"): each entry carries the evidence for it. --strict-docs ignores them all.
template <class T>
struct Tolerated {
  std::vector<T> accept;  // empty = none tolerated
  std::string evidence;
};
struct Tolerance {  // a yes/no tolerance
  bool on = false;
  std::string evidence;
};

struct AuthorizeTolerance {
  Tolerated<std::string> response_type;  // "" = the parameter absent
  // Other separators of the scope list (space / comma only): a value holding one is split by
  // it (Slack's SDKs join OpenID scopes with commas where its guide uses spaces).
  Tolerated<ScopeSeparator> scope_separator;
};

// Scopes the provider accepts beyond the listed ones, as ECMAScript patterns matched in full
// (Google https://www.googleapis.com/auth/..., Microsoft Graph Resource.Permission).
struct OpenScopes {
  std::vector<std::string> patterns;
  std::string evidence;
};

struct TokenTolerance {
  Tolerated<ClientAuth> client_auth;
  Tolerated<Encoding> encoding;
  Tolerated<std::string> methods;
  Tolerance unencoded_basic;  // Basic credentials not form-encoded before base64
  Tolerance auth_both_ways;   // the same credentials in Basic and in the body
  Tolerance grant_type_absent;  // a request without grant_type is taken as this endpoint's grant
};

struct ApiTolerance {
  Tolerated<TokenIn> token_in;
};

struct AuthorizeSpec {
  std::string client_id_param = "client_id";
  // Set when the authorize request names the application rather than the OAuth client: the
  // template ("...{uuid}...") of the id the simulator assigns each registered client.
  std::optional<std::string> application_id;
  std::string response_type = "code";  // "" = must be absent or empty
  bool redirect_uri_optional = false;
  ScopeSeparator scope_separator = ScopeSeparator::kSpace;
  std::vector<std::string> scopes;
  std::vector<std::string> default_scopes;
  bool scope_required = false;
  PkceMode pkce = PkceMode::kSupported;
  StringMap extra_params;
  std::string code_param = "code";
  bool send_iss = false;
  std::optional<std::string> issuer;  // default: the authorize URL's origin
  Json callback_extras = Json::object();  // name -> template string
  // Name of a parameter signing the whole callback query (Shopify `hmac`, core/query_signature)
  // with the client secret; none = unsigned.
  std::optional<std::string> callback_hmac;
  OpenScopes open_scopes;
  AuthorizeTolerance tolerate;
};

struct ResponseSpec {
  ResponseFormat format = ResponseFormat::kJson;
  int status = 200;
  Json body;  // TEMPLATE
};

struct ErrorSpec {
  ErrorStyle style = ErrorStyle::kRfc;
  int status = 400;
  int invalid_client_status = 401;
  StringMap codes;  // RFC error -> provider code
  Json body;        // TEMPLATE
};

// A second access token the code exchange issues with the first, of the same grant (Slack: the
// bot token at the top level beside the user token under authed_user). Resource endpoints
// accept it like the first; its refresh token renews it with its own prefix and token_type.
struct CompanionToken {
  bool on = false;
  std::string access_token_prefix;
  std::string token_type = "Bearer";
  std::string evidence;
};

// Access tokens that are JWTs the client may read (Xero: its authentication_event_id claim
// names the authorization, GET /connections lists each tenant's authEventId). Signed with the
// provider's OIDC key; claims TEMPLATE plus iat, nbf, exp and jti.
struct AccessTokenJwt {
  bool on = false;
  Json claims = Json::object();  // TEMPLATE
  std::string evidence;
};

// How many access tokens one user may hold for one client and one set of scopes: a code
// exchange past the limit revokes the oldest of them (GitHub's OAuth Apps: ten).
struct TokenLimit {
  int64_t per_user_scope = 0;  // 0 = no limit
  std::string evidence;
};

struct TokenSpec {
  std::vector<ClientAuth> client_auth = {ClientAuth::kPost, ClientAuth::kBasic};
  std::string client_id_param = "client_id";
  std::vector<Encoding> encoding = {Encoding::kForm};
  std::vector<std::string> methods = {"POST"};
  bool redirect_uri_required = false;  // false = RFC 6749 §4.1.3 "if_sent"
  bool redirect_uri_ignored = false;   // "ignored": the provider never reads it (ClickUp)
  // Token-URL params that must equal a field of the approving user (Sentry: the installation
  // in the token URL path is the one the callback reported): param -> user field.
  StringMap url_params_from_user;
  StringMap extra_params;
  int64_t code_ttl_seconds = 600;
  int64_t access_token_ttl_seconds = 3600;  // 0 = never expires
  std::string access_token_prefix;
  std::string token_type = "Bearer";  // the {token_type} placeholder
  ExpiresIn expires_in = ExpiresIn::kNumber;
  AccessTokenJwt access_token_jwt;
  CompanionToken companion;
  TokenLimit limit;
  ResponseSpec response;
  ErrorSpec errors;
  TokenTolerance tolerate;
};

struct IssuePolicy {
  IssueKind kind = IssueKind::kAlways;
  std::string scope;                // kScope
  StringMap authorize_param;        // kAuthorizeParam
};

struct RefreshSpec {
  IssuePolicy issued;
  Rotation rotation = Rotation::kNone;
  int64_t grace_seconds = 0;
  int64_t ttl_seconds = 0;  // 0 = no lifetime
  std::string grant_type = "refresh_token";
  std::string token_param = "refresh_token";
  StringMap extra_params;  // "*" = any non-empty value
  std::vector<ClientAuth> client_auth;  // defaults copied from token
  std::vector<Encoding> encoding;
  std::vector<std::string> methods;
  ResponseSpec response;
  ErrorSpec errors;
  TokenTolerance tolerate;  // defaults copied from token
};

// A call that trades a valid access token for a long-lived one (Instagram ig_exchange_token,
// Facebook fb_exchange_token) or renews a long-lived one (Instagram ig_refresh_token): every
// parameter in the query (or a form body), no refresh token involved (PROVIDERS.md D13).
struct TokenTradeSpec {
  bool on = false;
  std::optional<std::string> url;  // its own URL; none = the token endpoint, told by grant_type
  std::vector<std::string> methods = {"GET"};
  std::string grant_type;
  std::string token_param = "access_token";
  std::vector<std::string> client_params;  // which of client_id, client_secret it takes
  TradeAccepts accepts = TradeAccepts::kShortLived;
  int64_t min_age_seconds = 0;  // a younger token is refused (Instagram: 24 h)
  ResponseSpec response;
};
struct LongLivedSpec {
  bool on = false;
  int64_t ttl_seconds = 0;  // of every token the exchange or renewal issues
  TokenTradeSpec exchange;
  TokenTradeSpec renew;  // off: the exchange renews too (Facebook)
};

// A provider endpoint an integrator must call with the new access token to learn which
// account / tenant / site was linked (PROVIDERS.md D11: Xero connections, HubSpot token info).
struct ResourceSpec {
  std::string url;  // https URL, may contain {param}; ends in /{access_token} iff kPath
  ResourceTokenIn token_in = ResourceTokenIn::kBearer;
  std::string name;    // header name (kHeader)
  std::string prefix;  // header value before the token (kHeader), e.g. "OAuth "
  Json body;           // TEMPLATE, api.me's placeholders plus {access_token}, {expires_in}
  std::string key;     // dotted path into the rendered body of the value to keep ("0.tenantId")
};

struct ApiSpec {
  TokenIn token_in = TokenIn::kBearer;
  std::string name;  // header name (kHeader) or query parameter (kQuery)
  Json me;           // TEMPLATE
  int error_status = 401;
  Json error_body;   // TEMPLATE
  std::vector<ResourceSpec> resources;
  ApiTolerance tolerate;
};

using User = StringMap;  // has "id" and "login"
class AnyUsers;  // simulator/any_user.h: users typed in on the consent page
std::shared_ptr<AnyUsers> newAnyUsers();

struct Profile {
  std::string file;  // where it was loaded from, for messages
  std::string slug;
  std::string display_name;
  std::vector<std::string> sources;
  std::vector<std::string> assumed;
  std::string notes;
  std::map<std::string, ParamSpec> params;
  Endpoints endpoints;
  AuthorizeSpec authorize;
  TokenSpec token;
  RefreshSpec refresh;
  LongLivedSpec long_lived;  // the `long_lived` block (issue 13)
  ApiSpec api;
  std::vector<User> users;
  std::optional<OidcSpec> oidc;  // the `oidc` block: the provider speaks OpenID Connect
  std::shared_ptr<AnyUsers> any_users = newAnyUsers();  // shared by copies of the profile

  // A test user of the profile, else one signed in as on the consent page; nullptr if none.
  const User* findUser(std::string_view id) const;
};

}  // namespace linkgate::sim
