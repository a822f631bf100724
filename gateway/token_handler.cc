// POST /link/oauth2/token (SPEC §3): authenticate the integrator with the app's provider
// client secret (body or HTTP Basic, constant-time), redeem a gateway code exactly once, answer
// the credential.
#include "core/base64.h"
#include "core/crypto.h"
#include "core/percent.h"
#include "gateway/credential_identity.h"
#include "gateway/end_user.h"
#include "gateway/flow_handlers.h"
#include "gateway/pages.h"
#include "gateway/request_checks.h"

namespace linkgate::gateway {
namespace {

web::Response tokenError(const GatewayError& error, bool basic_challenge = false) {
  auto response = jsonError(error);
  response.setHeader("Cache-Control", "no-store");
  response.setHeader("Pragma", "no-cache");
  if (basic_challenge) response.setHeader("WWW-Authenticate", "Basic realm=\"linkgate\"");
  return response;
}

// The body as parameters: form (RFC 6749 §4.1.3) or a JSON object of strings.
GwResult<Params> readBody(const web::Request& request) {
  const std::string type = lowerAscii(request.header("content-type").value_or(""));
  if (type.starts_with("application/x-www-form-urlencoded")) {
    auto params = Params::parse(request.body);
    if (!params) return gwFail(Code::kInvalidRequest, "the form body has a malformed % escape");
    return *params;
  }
  if (type.starts_with("application/json")) {
    auto json = parseJsonObject(request.body);
    if (!json) return gwFail(Code::kBadJson, "the body is not a JSON object");
    Params params;
    for (const auto& [name, value] : json->items()) {
      if (!value.is_string()) {
        return gwFail(Code::kInvalidRequest, "field '" + name + "' must be a string");
      }
      params.add(name, value.get<std::string>());
    }
    return params;
  }
  return gwFail(Code::kUnsupportedMediaType,
                "Content-Type must be application/x-www-form-urlencoded or application/json");
}

struct ClientCredentials {
  std::optional<std::string> id, secret;
  bool basic = false;
};

// RFC 6749 §2.3.1: id and secret are form-encoded before base64.
GwResult<ClientCredentials> readBasic(const std::string& header) {
  ClientCredentials out;
  out.basic = true;
  if (header.size() < 6 || lowerAscii(header.substr(0, 6)) != "basic ") {
    return gwFail(Code::kInvalidClient, "unsupported Authorization scheme");
  }
  auto decoded = base64Decode(header.substr(6));
  if (!decoded) return gwFail(Code::kInvalidClient, "malformed HTTP Basic credentials");
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) {
    return gwFail(Code::kInvalidClient, "malformed HTTP Basic credentials");
  }
  auto id = percentDecode(decoded->substr(0, colon), true);
  auto secret = percentDecode(decoded->substr(colon + 1), true);
  if (!id || !secret) return gwFail(Code::kInvalidClient, "malformed HTTP Basic credentials");
  out.id = std::move(*id);
  out.secret = std::move(*secret);
  return out;
}

}  // namespace

web::Response FlowHandlers::token(const web::Request& request) {
  // Issue 15: the address's rate limit first, before any work (a refusal changes nothing).
  AbuseGuard& guard = *s_.abuse;
  if (auto refused = guard.limitAddress(AbuseRoute::kToken, guard.clientAddress(request))) {
    return *refused;
  }
  auto body = readBody(request);
  if (!body) return tokenError(body.error());
  const Params& p = *body;
  if (auto dup = p.firstDuplicate()) {
    return tokenError(gwError(Code::kDuplicateParameter,
                              "parameter '" + *dup + "' is repeated (RFC 6749 §3.2)"));
  }
  for (const auto& [name, value] : p.items()) {
    if (auto ok = cleanParam(p, name, 4096); !ok) return tokenError(ok.error());
  }
  if (auto grant = p.get("grant_type"); grant && *grant != "authorization_code") {
    return tokenError(gwError(Code::kUnsupportedGrantType,
                              "grant_type must be authorization_code"));
  }
  auto code = p.get("code");
  if (!code || code->empty()) {
    return tokenError(gwError(Code::kMissingParameter, "code is required"));
  }
  ClientCredentials client;
  client.id = p.get("client_id");
  client.secret = p.get("client_secret");
  if (auto auth = request.header("authorization")) {
    auto basic = readBasic(*auth);
    if (!basic) return tokenError(basic.error(), true);
    if (client.secret) {
      // RFC 6749 §2.3: one authentication method per request.
      return tokenError(gwError(Code::kInvalidRequest,
                                "client_secret sent both in the body and with HTTP Basic"));
    }
    if (client.id && *client.id != *basic->id) {
      return tokenError(gwError(Code::kInvalidRequest,
                                "client_id in the body differs from the HTTP Basic one"));
    }
    client = *basic;
  }
  if (!client.id || client.id->empty()) {
    return tokenError(gwError(Code::kInvalidClient, "client_id is required"), client.basic);
  }
  if (!isUuid(*client.id)) {
    return tokenError(gwError(Code::kInvalidUuid, "client_id must be the UUID of an OAuth app"));
  }
  if (!client.secret) {
    return tokenError(gwError(Code::kInvalidClient, "client authentication is required"), true);
  }
  const std::string app_id = lowerAscii(*client.id);
  // Issue 15: the client's rate limit, then its lockout (shared by every instance): a locked
  // client is refused even with the right secret.
  if (auto refused = guard.limitClient(AbuseRoute::kToken, app_id)) return *refused;
  if (auto refused = guard.checkLockout(AbuseRoute::kToken, AbuseGuard::clientSubject(app_id))) {
    return *refused;
  }
  auto app = s_.store.findAppCached(app_id);
  if (!app) return tokenError(storeUnavailable());
  // Compare even for an unknown app so timing does not tell which ids exist.
  const std::string expected = *app ? (*app)->client_secret : std::string(32, '\0');
  const bool secret_ok = constantTimeEqual(expected, *client.secret);
  if (!*app || !secret_ok) {
    // Only an existing app's failures are counted: random client_ids write no rows.
    if (*app) guard.recordFailure(AbuseRoute::kToken, AbuseGuard::clientSubject(app_id));
    return tokenError(gwError(Code::kInvalidClient, "client authentication failed"), client.basic);
  }
  const auto invalid_grant = [] {
    return tokenError(gwError(Code::kInvalidGrant,
                              "the code is unknown, expired, already used or of another app"));
  };
  auto found = s_.store.findCode(*code);
  if (!found) return tokenError(storeUnavailable());
  const int64_t now = s_.now();
  if (!*found || (*found)->app_id != (*app)->id || (*found)->expires_at <= now) {
    return invalid_grant();
  }
  const AuthCode& auth_code = **found;
  auto verifier = p.get("code_verifier");
  if (auth_code.code_challenge) {
    // RFC 7636 §4.6.
    if (!verifier) {
      return tokenError(gwError(Code::kInvalidGrant, "code_verifier is required for this code"));
    }
    if (!isValidPkceVerifier(*verifier) ||
        !constantTimeEqual(pkceS256Challenge(*verifier), *auth_code.code_challenge)) {
      return tokenError(gwError(Code::kInvalidGrant, "code_verifier does not match"));
    }
  } else if (verifier) {
    // RFC 9700 §2.1.1: a verifier without a challenge is a downgrade attempt.
    return tokenError(gwError(Code::kInvalidGrant, "this code was issued without PKCE"));
  }
  auto consumed = s_.store.consumeCode(*code, (*app)->id, now);
  if (!consumed) return tokenError(storeUnavailable());
  if (!*consumed) return invalid_grant();
  auto credential = s_.store.findCredential(auth_code.credential_id);
  if (!credential || !*credential) {
    return tokenError(gwError(Code::kInvalidGrant, "the credential of this code was deleted"));
  }
  Json answer = {{"credential",
                  {{"id", (*credential)->id},
                   {"oauth_app_id", (*credential)->app_id},
                   {"provider", (*credential)->provider},
                   {"properties", (*credential)->properties}}}};
  addEndUserFields(answer["credential"], (*credential)->end_user);
  if (auto account = providerAccountId((*credential)->provider_account)) {
    answer["credential"]["provider_account_id"] = *account;
  } else {
    answer["credential"]["provider_account_id"] = nullptr;
  }
  if (auth_code.integrator_state) {
    if (auth_code.state_is_json) {
      auto parsed = parseJson(*auth_code.integrator_state);
      answer["state"] = parsed ? *parsed : Json(*auth_code.integrator_state);
    } else {
      answer["state"] = *auth_code.integrator_state;
    }
  }
  auto response = web::Response::json(200, answer);
  response.setHeader("Cache-Control", "no-store");
  response.setHeader("Pragma", "no-cache");
  return response;
}

}  // namespace linkgate::gateway
