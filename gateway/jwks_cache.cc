// JWKS and discovery fetching and caching.
#include "gateway/jwks_cache.h"

namespace linkgate::gateway {

Result<Json> JwksCache::getJson(const std::string& url, const JwksTimeouts& t,
                                const std::string& what, std::string_view provider,
                                CallKind kind) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.headers.emplace_back("Accept", "application/json");
  request.connect_timeout = t.connect;
  request.total_timeout = t.total;
  auto response = send_ ? send_(provider, kind, request) : http_.send(request);
  if (!response) return fail("jwks", what + " could not be fetched: " + response.error().id);
  if (response->status != 200) {
    return fail("jwks", what + " answered HTTP " + std::to_string(response->status));
  }
  auto doc = parseJsonObject(response->body);
  if (!doc) return fail("jwks", what + " is not a JSON object");
  return doc;
}

Result<JwksCache::Entry> JwksCache::fetch(const std::string& url, const JwksTimeouts& t,
                                          std::string_view provider) {
  auto doc = getJson(url, t, "the JWKS", provider, CallKind::kJwks);
  if (!doc) return std::unexpected(doc.error());
  auto keys = doc->find("keys");
  if (keys == doc->end() || !keys->is_array()) return fail("jwks", "the JWKS has no keys array");
  Entry e;
  e.fetched_at = clock_.now();
  for (const auto& jwk : *keys) {
    // RFC 7517 §4.2/§4.3: only signature keys; RFC 7518 §6.3 RSA.
    if (!jwk.is_object() || !jwk.contains("kid") || !jwk["kid"].is_string()) continue;
    if (jwk.contains("use") && jwk["use"] != "sig") continue;
    if (jwk.contains("alg") && jwk["alg"] != "RS256") continue;
    auto key = JwsKey::fromJwk(jwk);
    if (key) e.keys.emplace(jwk["kid"].get<std::string>(), std::move(*key));
  }
  return e;
}

Result<JwsKey> JwksCache::key(const std::string& url, const std::string& kid,
                              const JwksTimeouts& t, std::string_view provider) {
  const TimePoint now = clock_.now();
  {
    std::lock_guard lock(mu_);
    auto it = sets_.find(url);
    if (it != sets_.end() && now - it->second.fetched_at < ttl_) {
      auto k = it->second.keys.find(kid);
      if (k != it->second.keys.end()) return k->second;
    }
  }
  // Unknown kid or stale set: one fetch (a rotated key appears here), then decide.
  auto fresh = fetch(url, t, provider);
  if (!fresh) return std::unexpected(fresh.error());
  std::lock_guard lock(mu_);
  Entry& stored = sets_[url] = std::move(*fresh);
  auto k = stored.keys.find(kid);
  if (k == stored.keys.end()) return fail("jwks", "no RS256 signing key with this kid in the JWKS");
  return k->second;
}

Result<std::string> JwksCache::discoverJwksUri(const std::string& issuer, const JwksTimeouts& t,
                                               std::string_view provider) {
  {
    std::lock_guard lock(mu_);
    auto it = jwks_uris_.find(issuer);
    if (it != jwks_uris_.end()) return it->second;
  }
  // Discovery §4.1: a terminating / of the issuer is removed before appending the suffix.
  const std::string base = issuer.ends_with('/') ? issuer.substr(0, issuer.size() - 1) : issuer;
  auto doc = getJson(base + "/.well-known/openid-configuration", t, "the discovery document",
                     provider, CallKind::kDiscovery);
  if (!doc) return std::unexpected(doc.error());
  if (doc->value("issuer", Json()) != issuer) {
    return fail("jwks", "the discovery document names another issuer");
  }
  auto uri = doc->value("jwks_uri", Json());
  if (!uri.is_string() || uri.get<std::string>().empty()) {
    return fail("jwks", "the discovery document has no jwks_uri");
  }
  std::lock_guard lock(mu_);
  return jwks_uris_[issuer] = uri.get<std::string>();
}

}  // namespace linkgate::gateway
