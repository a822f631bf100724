// Test-only: an OAuth client that talks to the simulator over HTTP in exactly the dialect a
// profile declares (the simulator's own tests may read the Profile to decide how to talk), and
// that can deliberately get one dimension wrong.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/http_client.h"
#include "simulator/profile.h"

namespace linkgate::sim::testing {

struct Authorized {
  std::string code;
  std::string verifier;  // "" when no PKCE challenge was sent
  std::vector<std::string> scopes;
  std::string scope_text;  // as sent
  std::string location;    // the callback URL
};

// How to send a token or refresh request; defaults come from the profile.
struct Send {
  std::optional<ClientAuth> auth = std::nullopt;
  std::optional<Encoding> encoding = std::nullopt;
  std::optional<std::string> method = std::nullopt;
  std::optional<std::string> secret = std::nullopt;  // wrong secret
  bool both_auth = false;                            // Basic and body at once
  std::map<std::string, std::optional<std::string>> overrides = {};  // nullopt = remove
};

class FlowClient {
 public:
  FlowClient(const Profile& profile, std::string base, HttpClient& http);

  const std::string& clientId() const { return client_id_; }
  const std::string& secret() const { return secret_; }
  const std::string& redirectUri() const { return redirect_uri_; }

  // The authorization request URL (PKCE per profile unless with_pkce is false).
  std::string authorizeUrl(const std::string& state, const std::string& challenge,
                           bool with_pkce) const;
  // authorize → consent page → approve as the first user → callback. ADD_FAILUREs and returns
  // nullopt when any step differs from the profile.
  std::optional<Authorized> authorize(bool with_pkce = true);

  HttpResponse exchange(const Authorized& a, const Send& send = {});
  HttpResponse refresh(const std::string& token, const Send& send = {},
                       const std::string& granted_scope = "");
  HttpResponse apiMe(const std::string& access_token, std::optional<TokenIn> how = std::nullopt);
  // GET an api.resources entry with the token presented as it declares, or as `how` says (a
  // token path segment then carries "not-a-token"; a header other than the declared one is
  // X-Access-Token).
  HttpResponse resource(const ResourceSpec& r, const std::string& access_token,
                        std::optional<ResourceTokenIn> how = std::nullopt);

  // Values of a token-endpoint answer, read where the profile's template puts them.
  std::optional<std::string> accessToken(const HttpResponse& r, bool refresh_endpoint = false) const;
  std::optional<std::string> refreshToken(const HttpResponse& r, bool refresh_endpoint = false) const;
  // "" when the answer is the profile's error `rfc_error` (status and, when the template has
  // {error}, the mapped code, and no access token); else what differs.
  std::string rejectedAs(const HttpResponse& r, const std::string& rfc_error,
                         bool refresh_endpoint = false) const;

  // Whether the profile issues a refresh token for the authorization this client sends.
  bool expectsRefreshToken() const;
  // Whether the profile renews by exchanging the access token (issued never + own grant).
  bool renewsByExchange() const;

 private:
  HttpResponse tokenCall(const std::string& url, const std::map<std::string, std::string>& params,
                         const std::vector<ClientAuth>& auths, const std::vector<Encoding>& encs,
                         const std::vector<std::string>& methods, const Send& send);
  std::optional<std::string> valueAt(const HttpResponse& r, const Json& tmpl,
                                     const std::string& placeholder, ResponseFormat format) const;
  std::string scopeRequest(std::vector<std::string>* scopes) const;

  const Profile& p_;
  std::string base_;
  HttpClient& http_;
  std::string client_id_;
  std::string secret_;
  std::string redirect_uri_;
  int counter_ = 0;
};

// The simulator URL of an endpoint with the params' examples.
std::string endpointUrl(const std::string& base, const Profile& p, const std::string& url);

}  // namespace linkgate::sim::testing
