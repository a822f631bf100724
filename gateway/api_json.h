// JSON shapes and body helpers shared by the /v1 handlers.
#pragma once
#include <string>

#include "gateway/errors.h"
#include "gateway/store.h"
#include "web/http.h"

namespace linkgate::gateway {

inline constexpr std::string_view kSecretMask = "**********";

std::string rfc3339(int64_t unix_seconds);
// ?truncate_secrets=false
bool revealSecrets(const web::Request& request);
// Content-Type application/json and a JSON object.
GwResult<Json> readJsonBody(const web::Request& request);

Json appJson(const OAuthApp& app, bool reveal);
Json redirectUriJson(const RedirectUri& uri);
Json credentialJson(const Credential& credential, bool reveal);

web::Response jsonOk(int status, const Json& body);  // with Cache-Control: no-store
web::Response storageError();
web::Response noContent();  // 204

}  // namespace linkgate::gateway
