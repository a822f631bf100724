// /v1 management API: OAuth apps, redirect URIs, providers, start links and credentials.
#include "gateway/api_handlers.h"

#include <algorithm>

#include "core/crypto.h"
#include "gateway/api_json.h"
#include "gateway/dialect_engine.h"
#include "gateway/pages.h"
#include "gateway/redirect_uri.h"
#include "gateway/request_checks.h"
#include "gateway/webhook_events.h"

namespace linkgate::gateway {
namespace {

// Only the listed fields; each a clean string when present.
Status checkFields(const Json& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return fail("unknown_field", "unknown field '" + name + "'");
    }
  }
  return {};
}

GwResult<std::optional<std::string>> stringField(const Json& body, const char* name,
                                                 bool required, size_t max = 4096) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return gwFail(Code::kMissingParameter, std::string(name) + " is required");
    return std::optional<std::string>();
  }
  if (!it->is_string()) return gwFail(Code::kInvalidRequest, std::string(name) + " must be a string");
  auto value = it->get<std::string>();
  if (required && value.empty()) {
    return gwFail(Code::kInvalidRequest, std::string(name) + " must not be empty");
  }
  if (value.size() > max || hasControlChars(value) || !isValidUtf8(value)) {
    return gwFail(Code::kInvalidRequest, std::string(name) + " must be at most " +
                                             std::to_string(max) +
                                             " bytes of UTF-8 without control characters");
  }
  return std::optional<std::string>(std::move(value));
}

GwResult<std::optional<std::vector<std::string>>> scopesField(const Json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<std::vector<std::string>>();
  if (it->is_string()) {
    return std::optional(splitScopes(it->get<std::string>(), ScopeSeparator::kSpace));
  }
  if (!it->is_array()) {
    return gwFail(Code::kInvalidRequest, std::string(name) + " must be an array of strings");
  }
  std::vector<std::string> out;
  for (const auto& s : *it) {
    if (!s.is_string() || s.get<std::string>().empty() ||
        hasControlChars(s.get<std::string>()) ||
        s.get<std::string>().find(' ') != std::string::npos) {
      return gwFail(Code::kInvalidRequest, std::string(name) + " must be an array of scopes");
    }
    out.push_back(s.get<std::string>());
  }
  return std::optional(std::move(out));
}

web::Response notFound(const std::string& what) {
  return jsonError(gwError(Code::kNotFound, what + " not found"));
}

}  // namespace

GwResult<std::string> ApiHandlers::authenticate(const web::Request& request) {
  auto header = request.header("authorization");
  if (!header || header->size() < 8 || lowerAscii(header->substr(0, 7)) != "bearer ") {
    return gwFail(Code::kUnauthorized, "Authorization: Bearer <api key> is required");
  }
  const std::string key = header->substr(7);
  if (env_api_key_ && !env_api_key_->empty() && constantTimeEqual(key, *env_api_key_)) {
    return std::string(kDefaultAccount);
  }
  if (key.empty() || key.size() > 256) return gwFail(Code::kUnauthorized, "invalid API key");
  auto account = s_.store.accountForApiKey(key);
  if (!account) return std::unexpected(storeUnavailable());
  if (!*account) return gwFail(Code::kUnauthorized, "invalid API key");
  return **account;
}

// ---- OAuth apps ----

web::Response ApiHandlers::createApp(const web::Request& request, const std::string& account) {
  auto body = readJsonBody(request);
  if (!body) return jsonError(body.error());
  if (auto ok = checkFields(*body, {"provider", "client_id", "client_secret", "name",
                                    "default_scopes", "metadata"});
      !ok) {
    return jsonError(gwError(Code::kInvalidRequest, ok.error().message));
  }
  auto provider = stringField(*body, "provider", true, 64);
  if (!provider) return jsonError(provider.error());
  if (s_.catalogue.find(**provider) == nullptr) {
    return jsonError(gwError(Code::kUnknownProvider,
                             "provider is not in the catalogue (GET /v1/providers)"));
  }
  auto client_id = stringField(*body, "client_id", true, 1024);
  if (!client_id) return jsonError(client_id.error());
  auto client_secret = stringField(*body, "client_secret", true, 4096);
  if (!client_secret) return jsonError(client_secret.error());
  auto name = stringField(*body, "name", false, 256);
  if (!name) return jsonError(name.error());
  auto scopes = scopesField(*body, "default_scopes");
  if (!scopes) return jsonError(scopes.error());
  OAuthApp app;
  if (body->contains("metadata") && !(*body)["metadata"].is_null()) {
    if (!(*body)["metadata"].is_object()) {
      return jsonError(gwError(Code::kInvalidRequest, "metadata must be an object"));
    }
    app.metadata = (*body)["metadata"];
  }
  if (auto ok = appParamValues(*s_.catalogue.find(**provider), app.metadata); !ok) {
    return jsonError(gwError(Code::kBadConnectionParam, ok.error().message));
  }
  app.id = newUuid(s_.random);
  app.account_id = account;
  app.provider = **provider;
  app.client_id = **client_id;
  app.client_secret = **client_secret;
  app.name = name->value_or(s_.catalogue.find(app.provider)->display_name);
  app.default_scopes = scopes->value_or(std::vector<std::string>{});
  app.created_at = app.updated_at = s_.now();
  if (auto stored = s_.store.insertApp(app); !stored) return storageError();
  return jsonOk(201, appJson(app, revealSecrets(request)));
}

web::Response ApiHandlers::listApps(const web::Request& request, const std::string& account) {
  auto apps = s_.store.listApps(account);
  if (!apps) return storageError();
  Json data = Json::array();
  const bool reveal = revealSecrets(request);
  for (const auto& app : *apps) data.push_back(appJson(app, reveal));
  return jsonOk(200, Json{{"data", data}});
}

web::Response ApiHandlers::getApp(const web::Request& request, const std::string& account,
                                  const std::string& id) {
  if (!isUuid(id)) return jsonError(gwError(Code::kInvalidUuid, "the app id must be a UUID"));
  auto app = s_.store.findApp(lowerAscii(id));
  if (!app) return storageError();
  if (!*app || (*app)->account_id != account) return notFound("OAuth app");
  return jsonOk(200, appJson(**app, revealSecrets(request)));
}

web::Response ApiHandlers::patchApp(const web::Request& request, const std::string& account,
                                    const std::string& id) {
  if (!isUuid(id)) return jsonError(gwError(Code::kInvalidUuid, "the app id must be a UUID"));
  auto body = readJsonBody(request);
  if (!body) return jsonError(body.error());
  if (auto ok = checkFields(*body, {"client_id", "client_secret", "name", "default_scopes",
                                    "metadata"});
      !ok) {
    return jsonError(gwError(Code::kInvalidRequest, ok.error().message +
                                                        " (provider cannot change)"));
  }
  auto found = s_.store.findApp(lowerAscii(id));
  if (!found) return storageError();
  if (!*found || (*found)->account_id != account) return notFound("OAuth app");
  OAuthApp app = **found;
  auto client_id = stringField(*body, "client_id", false, 1024);
  auto client_secret = stringField(*body, "client_secret", false, 4096);
  auto name = stringField(*body, "name", false, 256);
  auto scopes = scopesField(*body, "default_scopes");
  if (!client_id) return jsonError(client_id.error());
  if (!client_secret) return jsonError(client_secret.error());
  if (!name) return jsonError(name.error());
  if (!scopes) return jsonError(scopes.error());
  if (*client_id) {
    if ((*client_id)->empty()) return jsonError(gwError(Code::kInvalidRequest, "empty client_id"));
    app.client_id = **client_id;
  }
  if (*client_secret) {
    if ((*client_secret)->empty()) {
      return jsonError(gwError(Code::kInvalidRequest, "empty client_secret"));
    }
    app.client_secret = **client_secret;
  }
  if (*name) app.name = **name;
  if (*scopes) app.default_scopes = **scopes;
  if (body->contains("metadata")) {
    if (!(*body)["metadata"].is_object()) {
      return jsonError(gwError(Code::kInvalidRequest, "metadata must be an object"));
    }
    app.metadata = (*body)["metadata"];
    const Dialect* dialect = s_.catalogue.find(app.provider);
    if (auto ok = dialect ? appParamValues(*dialect, app.metadata) : Result<ConnectionValues>{};
        !ok) {
      return jsonError(gwError(Code::kBadConnectionParam, ok.error().message));
    }
  }
  app.updated_at = s_.now();
  if (auto stored = s_.store.updateApp(app); !stored) return storageError();
  return jsonOk(200, appJson(app, revealSecrets(request)));
}

web::Response ApiHandlers::deleteApp(const web::Request& request, const std::string& account,
                                     const std::string& id) {
  if (!isUuid(id)) return jsonError(gwError(Code::kInvalidUuid, "the app id must be a UUID"));
  auto query = Params::parse(request.raw_query);
  bool cascade = false;
  if (query) {
    auto c = query->get("cascade");
    if (c && *c != "true" && *c != "false") {
      return jsonError(gwError(Code::kInvalidRequest, "cascade must be true or false"));
    }
    cascade = c && *c == "true";
  }
  // Issue 12: every credential a cascade deletes gets its credential.deleted, as a single
  // DELETE /v1/credentials/{id} does.
  auto done = s_.store.deleteAppChecked(
      account, lowerAscii(id), cascade, [this](const Credential& c) {
        return std::vector<WebhookEvent>{
            credentialEvent(kCredentialDeleted, c, s_.clock, s_.random)};
      });
  if (!done) return storageError();
  if (!done->found) return notFound("OAuth app");
  if (!done->deleted) {
    return jsonError(gwError(
        Code::kConflict, "the OAuth app still has " + std::to_string(done->credentials) +
                             " credential(s); delete them first or use ?cascade=true"));
  }
  return noContent();
}

// ---- redirect URIs ----

web::Response ApiHandlers::createRedirectUri(const web::Request& request,
                                             const std::string& account) {
  auto body = readJsonBody(request);
  if (!body) return jsonError(body.error());
  if (auto ok = checkFields(*body, {"url", "uri", "redirect_uri"}); !ok) {
    return jsonError(gwError(Code::kInvalidRequest, ok.error().message));
  }
  if (body->size() != 1) {
    return jsonError(gwError(Code::kInvalidRequest, "send exactly one of url, uri, redirect_uri"));
  }
  const std::string field = body->begin().key();
  auto url = stringField(*body, field.c_str(), true, 1 << 16);
  if (!url) return jsonError(url.error());
  if (auto valid = validateRedirectUriRegistration(**url); !valid) {
    return jsonError(gwError(Code::kInvalidRedirectUri, valid.error().message));
  }
  auto existing = s_.store.listRedirectUris(account);
  if (!existing) return storageError();
  for (const auto& uri : *existing) {
    // Idempotent: the existing registration (201 all the same, so callers need no special case).
    if (uri.url == **url) return jsonOk(201, redirectUriJson(uri));
  }
  RedirectUri uri{newUuid(s_.random), account, **url, s_.now()};
  if (auto stored = s_.store.insertRedirectUri(uri); !stored) return storageError();
  return jsonOk(201, redirectUriJson(uri));
}

web::Response ApiHandlers::listRedirectUris(const std::string& account) {
  auto uris = s_.store.listRedirectUris(account);
  if (!uris) return storageError();
  Json data = Json::array();
  for (const auto& uri : *uris) data.push_back(redirectUriJson(uri));
  return jsonOk(200, Json{{"data", data}});
}

web::Response ApiHandlers::deleteRedirectUri(const std::string& account, const std::string& id) {
  if (!isUuid(id)) return jsonError(gwError(Code::kInvalidUuid, "the id must be a UUID"));
  auto deleted = s_.store.deleteRedirectUri(account, lowerAscii(id));
  if (!deleted) return storageError();
  if (!*deleted) return notFound("redirect URI");
  return noContent();
}

// ---- providers ----

web::Response ApiHandlers::listProviders() {
  Json data = Json::array();
  for (const auto& [slug, d] : s_.catalogue.all()) {
    auto listed = [](const std::vector<ConnectionParam>& list) {
      Json out = Json::array();
      for (const auto& p : list) {
        Json one = {{"name", p.name},
                    {"pattern", p.pattern},
                    {"example", p.example},
                    {"description", p.description}};
        if (!p.from_callback.empty()) one["from_callback"] = p.from_callback;
        out.push_back(std::move(one));
      }
      return out;
    };
    Json dialect = {{"authorization_url", d.authorization_url},
                    {"token_url", d.token_url},
                    {"client_id_param", d.authorization.client_id_param},
                    {"scope_separator", wireName(d.authorization.scope_separator)},
                    {"default_scopes", d.authorization.default_scopes},
                    {"pkce", wireName(d.authorization.pkce)},
                    {"iss", d.authorization.iss == IssCheck::kRequired ? "required" : "none"},
                    {"client_auth", wireName(d.token_request.client_auth)},
                    {"encoding", wireName(d.token_request.encoding)},
                    {"response_format", wireName(d.token_response.format)},
                    {"refresh_issued", issuedJson(d.refresh)},
                    {"rotation", wireName(d.refresh.rotation)},
                    {"token_in", wireName(d.api.token_in)}};
    if (d.refresh_url) dialect["refresh_url"] = *d.refresh_url;
    data.push_back({{"slug", slug},
                    {"display_name", d.display_name},
                    {"connection_params", listed(d.connection_params)},
                    {"app_params", listed(d.app_params)},
                    {"dialect", dialect}});
  }
  return jsonOk(200, Json{{"data", data}});
}

}  // namespace linkgate::gateway
