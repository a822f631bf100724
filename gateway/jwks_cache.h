// Signing keys of OpenID providers, fetched from their JWKS (RFC 7517 §5) through the injected
// HttpClient and kept per URL. A kid that the cached set does not have triggers one refetch
// (the provider may have rotated), never more per lookup. Also caches discovery documents
// (OpenID Connect Discovery 1.0 §4) for dialects that name no jwks_uri. SPEC §8.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "core/http_client.h"
#include "core/json.h"
#include "core/jws_key.h"
#include "gateway/metrics.h"  // CallKind

namespace linkgate::gateway {

struct JwksTimeouts {
  std::chrono::milliseconds connect{3000};
  std::chrono::milliseconds total{8000};
};

// Thread-safe; HTTP calls are made outside the lock.
class JwksCache {
 public:
  // http and clock must outlive the cache. A fetched set is used for `ttl`, then refetched.
  JwksCache(HttpClient& http, const Clock& clock,
            std::chrono::seconds ttl = std::chrono::seconds(3600))
      : http_(http), clock_(clock), ttl_(ttl) {}

  // How fetches go out: (provider, kCallDiscovery or kCallJwks, request). Services routes
  // them through callProvider() (issue 12: the per-call log line, the latency histogram, the
  // circuit breaker, as token calls); unset, straight to the HttpClient. Set before first use.
  using Send = std::function<Result<HttpResponse>(std::string_view provider, CallKind kind,
                                                  const HttpRequest& request)>;
  void sendThrough(Send send) { send_ = std::move(send); }

  // The RSA key with this kid from the JWKS at url. Errors (id "jwks"): the JWKS cannot be
  // fetched or parsed, or has no usable RSA key with this kid even after one refetch.
  // provider: whose JWKS it is (the outbound call's label).
  Result<JwsKey> key(const std::string& url, const std::string& kid, const JwksTimeouts& t,
                     std::string_view provider = "");
  // jwks_uri of the discovery document at issuer + /.well-known/openid-configuration, whose
  // `issuer` must equal the expected one (Discovery §4.3). Error id "jwks".
  Result<std::string> discoverJwksUri(const std::string& issuer, const JwksTimeouts& t,
                                      std::string_view provider = "");

 private:
  struct Entry {
    std::map<std::string, JwsKey> keys;  // kid -> RSA signing key
    TimePoint fetched_at;
  };
  Result<Entry> fetch(const std::string& url, const JwksTimeouts& t, std::string_view provider);
  Result<Json> getJson(const std::string& url, const JwksTimeouts& t, const std::string& what,
                       std::string_view provider, CallKind kind);

  HttpClient& http_;
  Send send_;
  const Clock& clock_;
  const std::chrono::seconds ttl_;
  std::mutex mu_;
  std::map<std::string, Entry> sets_;
  std::map<std::string, std::string> jwks_uris_;  // issuer -> jwks_uri
};

}  // namespace linkgate::gateway
