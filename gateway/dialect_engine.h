// The dialect engine: turns a catalogue Dialect into the provider's authorization URL, token and
// refresh requests, and reads every token answer shape (JSON or form, nested paths, errors sent
// with HTTP 200, `ok:false`, string or missing expires_in, expires_at, scope string or array).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/http_client.h"
#include "core/json.h"
#include "gateway/catalogue.h"
#include "gateway/provider_urls.h"

namespace linkgate::gateway {

// Caps on a provider's token (and discovery) answer, issue 15 item 3. A real token answer is a
// few KiB; these leave ample room and refuse the pathological (a 3 GB body, a 60 MB token,
// JSON nested a million deep) with "bad_provider_response" naming what was too big.
constexpr size_t kMaxAnswerBytes = 1024 * 1024;  // the whole body (HttpRequest caps it too)
constexpr size_t kMaxJsonDepth = 32;             // arrays/objects nested
constexpr size_t kMaxTokenBytes = 8 * 1024;      // access_token, refresh_token, scope, extras
constexpr size_t kMaxTokenTypeBytes = 64;        // token_type

struct AuthorizationInput {
  std::string client_id;     // the provider's client id
  std::string redirect_uri;  // {public_url}/link/oauth2/callback/{slug}
  std::string state;         // the gateway's flow state
  std::vector<std::string> scopes;
  std::optional<std::string> code_challenge;  // S256, sent iff the dialect allows PKCE
  ConnectionValues params;
};

struct TokenExchangeInput {
  std::string client_id, client_secret, code, redirect_uri;
  std::optional<std::string> code_verifier;
  std::vector<std::string> scopes;
  ConnectionValues params;
};

struct RefreshInput {
  std::string client_id, client_secret, refresh_token, redirect_uri;
  std::vector<std::string> scopes;
  ConnectionValues params;
};

// What a successful token answer carried, in the gateway's own terms.
struct TokenSet {
  std::string access_token;
  std::optional<std::string> refresh_token;
  std::string token_type = "Bearer";
  std::vector<std::string> scopes;          // as granted (requested ones when not echoed)
  std::optional<int64_t> expires_at;        // Unix seconds; nullopt = no expiry known
  Json extra_fields = Json::object();       // credential field -> value
};

std::string joinScopes(const std::vector<std::string>& scopes, char separator);
// Splits an integrator's space-separated scope parameter (empty items dropped).
std::vector<std::string> splitScopes(std::string_view text, ScopeSeparator separator);

// Fails "bad_connection_param" when a templated URL cannot be filled.
Result<std::string> authorizationUrl(const Dialect& dialect, const ProviderUrls& urls,
                                     const AuthorizationInput& input);
Result<HttpRequest> tokenExchangeRequest(const Dialect& dialect, const ProviderUrls& urls,
                                         const TokenExchangeInput& input);
Result<HttpRequest> refreshRequest(const Dialect& dialect, const ProviderUrls& urls,
                                   const RefreshInput& input);

// Reads a token (or refresh) answer. Fails "provider_error" with the provider's error code and
// description (never a token) or "bad_provider_response" (unparsable, no access token, an
// unexpected status).
Result<TokenSet> parseTokenResponse(const Dialect& dialect, const HttpResponse& response,
                                    TimePoint now, const std::vector<std::string>& requested);
// The same for a refresh answer (the dialect's refresh_response where it has one).
Result<TokenSet> parseRefreshResponse(const Dialect& dialect, const HttpResponse& response,
                                      TimePoint now, const std::vector<std::string>& requested);
// Either, read with the answer description `tr`.
Result<TokenSet> parseTokenAnswer(const Dialect& dialect, const TokenResponseDialect& tr,
                                  const HttpResponse& response, TimePoint now,
                                  const std::vector<std::string>& requested);

// The provider's error code in a failed answer read with `tr`, if it names one.
std::optional<std::string> providerErrorCode(const TokenResponseDialect& tr,
                                             const HttpResponse& response);

// The provider's `error` and `error_description` of a failed answer read with `tr`, uncut and
// unsanitised (the caller sanitises, gateway/provider_text.h); nullopt when it says neither.
struct ProviderErrorText {
  std::string error;
  std::string description;
};
std::optional<ProviderErrorText> providerErrorText(const TokenResponseDialect& tr,
                                                   const HttpResponse& response);

// The GET of a discovery call with the new access token (off the reactor, like the exchange).
Result<HttpRequest> discoveryRequest(const Dialect& dialect, const ProviderUrls& urls,
                                     const DiscoveryCall& call, const std::string& access_token,
                                     const ConnectionValues& params);
// The call's extra fields from its answer (HTTP 200 JSON); each declared one must be there
// (a string or a number), else "bad_provider_response" naming it. A selector value
// "{access_token.CLAIM}" ("[authEventId={access_token.authentication_event_id}]", Xero) is that
// claim of the access token, a JWT the provider issued (read, not verified: it only chooses
// among what the provider's own answer lists for that token).
Result<Json> discoveryFields(const DiscoveryCall& call, const HttpResponse& response,
                             const std::string& access_token = {});

// The string or number claim `name` of a JWT's payload, read without verification; nullopt
// when the token is not a JWT or lacks it.
std::optional<std::string> unverifiedJwtClaim(const std::string& jwt, const std::string& name);

// Values the dialect keeps from the callback query (e.g. realmId).
Json callbackExtraFields(const Dialect& dialect, const Params& callback_query);

}  // namespace linkgate::gateway
