// broken_proxy's modes (one contract rule broken per mode) and the rewriting helpers the
// modes share: query parameters edited in place, JSON answers edited at any depth.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"

namespace linkgate::broken {

enum class Mode {
  kAlterState,     // the integrator's state loses its '+' escaping (%2B -> +) on the way back
  kTrailingSlash,  // a redirect_uri with a trailing slash is rewritten to match without it
  kDoubleRedeem,   // a redeemed code's token answer is cached and replayed to later callers
  kDropIss,        // iss (RFC 9207) is removed from redirects back to the integrator
  kPrefixMatch,    // C-2.3: a redirect_uri that merely starts with a registered URI is taken
  kProviderInHost, // C-2.5: a URI with ':provider' in the host is "registered"
  kTruncateState,  // C-1.1.3: a state over 1024 bytes is cut to 1024 at /start
  kLongCodeTtl,    // C-3.6: codes are redeemed at the callback and served whenever asked
  kNoStore,        // C-3.9: token answers lose Cache-Control
  kCookieNoHttpOnly,  // C-1.1.7: the flow cookie loses HttpOnly
  kNoAuth,         // C-4.1: /v1 requests without a key get the last key seen
  kNoPageHeaders,  // C-7.1: HTML pages lose Content-Security-Policy
  kUnmaskedSecret, // C-4.2: the masked client secret is shown as "revealed"
  kKeepDeletedUri, // C-2.6: DELETE /v1/redirect-uris/{id} answers 204 and deletes nothing
  kKeepDeletedCredential,  // C-4.6: DELETE /v1/credentials/{id} answers 204, deletes nothing
  kKeepDeletedStartLink,   // C-1.1.14: DELETE /v1/start-links/{id} answers 204, the link works
  kNoMetrics,      // C-4.13: /metrics answers 404
  kHealthAlwaysOk, // C-4.11: a credential's health.status always reads "ok"
  kDropIdToken,    // C-8.8: the id_token is checked but not kept: credentials lose it and its claims
  kIgnoreEndUserFilter,  // C-9.2: GET /v1/credentials?end_user_id= answers every credential
  kUnmaskedWebhookSecret,  // C-10.6: later webhook answers show the whsec_ secret again
  kBadWebhookSignature,    // C-10.3: deliveries are not signed with the whsec_ secret shown
  kStaleInstanceCache,     // C-11.4: apps and redirect URIs deleted elsewhere still start flows
  kRawErrorDescription,    // C-7.10: a provider error_description goes into Location decoded
  kRenamedRoutes,  // not broken: /api/... routes and X-Api-Key instead of /v1 and Bearer
};

std::optional<Mode> parseMode(const std::string& name);
// The --help text's MODE lines.
std::string modeNames();

// Hop-by-hop and framing headers a proxy does not copy.
bool skippedHeader(const std::string& name);
std::string lowerAscii(std::string s);

// Applies `edit` to the raw value of query parameter `name` in `url` (first occurrence); an
// edit answering nullopt removes the parameter.
template <class Edit>
std::string editParam(const std::string& url, const std::string& name, Edit edit) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return url;
  std::string out = url.substr(0, q + 1);
  std::string query = url.substr(q + 1);
  size_t start = 0;
  bool first = true;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string segment = query.substr(start, amp - start);
    const size_t eq = segment.find('=');
    const std::string key = segment.substr(0, eq);
    std::optional<std::string> value;
    if (key == name) value = edit(eq == std::string::npos ? "" : segment.substr(eq + 1));
    if (key != name || value) {
      if (!first) out += "&";
      out += key == name ? key + "=" + *value : segment;
      first = false;
    }
    start = amp + 1;
  }
  return out;
}

// The decoded value of query parameter `name` in `target`.
std::optional<std::string> queryValue(const std::string& target, const std::string& name);

// Every object whose "id" is a key of `secrets` gets that secret as its "secret" member.
void revealSecrets(Json& j, const std::map<std::string, std::string>& secrets);
// A JSON answer without any "id_token" / "id_token_claims" member (non-JSON: unchanged).
std::string withoutIdTokens(const std::string& body);
// A webhook create answer whose whsec_ secret is a fixed, wrong one (non-JSON: unchanged).
std::string withWrongWebhookSecret(const std::string& body);

// Renamed management routes (mode renamed-routes), this gateway's name first.
extern const std::vector<std::pair<std::string, std::string>> kRenamed;

}  // namespace linkgate::broken
