// JSON shapes of the management API.
#include "gateway/api_json.h"

#include <cstdio>
#include <ctime>

#include "core/clock.h"
#include "core/params.h"
#include "gateway/credential_identity.h"
#include "gateway/end_user.h"
#include "gateway/pages.h"
#include "gateway/request_checks.h"

namespace linkgate::gateway {

std::string rfc3339(int64_t t) { return formatRfc3339(TimePoint(std::chrono::seconds(t))); }

bool revealSecrets(const web::Request& request) {
  auto params = Params::parse(request.raw_query);
  return params && params->get("truncate_secrets") == "false";
}

GwResult<Json> readJsonBody(const web::Request& request) {
  const std::string type = lowerAscii(request.header("content-type").value_or(""));
  if (!type.starts_with("application/json")) {
    return gwFail(Code::kUnsupportedMediaType, "Content-Type must be application/json");
  }
  auto json = parseJsonObject(request.body);
  if (!json) return gwFail(Code::kBadJson, "the body is not a JSON object: " + json.error().message);
  return *json;
}

Json appJson(const OAuthApp& app, bool reveal) {
  return Json{{"id", app.id},
              {"provider", app.provider},
              {"client_id", app.client_id},
              {"client_secret", reveal ? app.client_secret : std::string(kSecretMask)},
              {"name", app.name},
              {"default_scopes", app.default_scopes},
              {"metadata", app.metadata},
              {"created_at", rfc3339(app.created_at)},
              {"updated_at", rfc3339(app.updated_at)}};
}

Json redirectUriJson(const RedirectUri& uri) {
  return Json{{"id", uri.id}, {"url", uri.url}, {"created_at", rfc3339(uri.created_at)}};
}

Json credentialJson(const Credential& c, bool reveal) {
  Json props = c.properties;
  if (!reveal) {
    for (const char* secret : {"access_token", "refresh_token", "id_token"}) {
      if (props.contains(secret)) props[secret] = kSecretMask;
    }
  }
  Json answer = {{"id", c.id},
                 {"oauth_app_id", c.app_id},
                 {"provider", c.provider},
                 {"properties", props},
                 {"connection_params", c.connection_params},
                 {"health", {{"status", c.health_status}, {"detail", c.health_detail}}},
                 {"created_at", rfc3339(c.created_at)},
                 {"updated_at", rfc3339(c.updated_at)}};
  // SPEC §9: whose credential it is, on both sides.
  auto account = providerAccountId(c.provider_account);
  answer["provider_account_id"] = account ? Json(*account) : Json(nullptr);
  addEndUserFields(answer, c.end_user);
  return answer;
}

web::Response jsonOk(int status, const Json& body) {
  auto r = web::Response::json(status, body);
  r.setHeader("Cache-Control", "no-store");
  return r;
}

// Whatever the store said stays in the store's error (never shown): the caller may try again.
web::Response storageError() {
  return jsonError(storeUnavailable());
}

}  // namespace linkgate::gateway

namespace linkgate::gateway {
web::Response noContent() {
  web::Response r;
  r.status = 204;
  return r;
}
}  // namespace linkgate::gateway
