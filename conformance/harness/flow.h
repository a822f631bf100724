// One link flow as a browser and an integrator live it: /start → provider consent → callback →
// redirect to the integrator → code exchange. Each step can be taken alone so checks can
// tamper between steps (drop the cookie, replay the callback, switch the provider path).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conformance/harness/gateway_api.h"
#include "conformance/harness/user_agent.h"
#include "conformance/harness/world.h"
#include "conformance/model/final_redirect.h"
#include "core/error.h"
#include "core/json.h"

namespace linkgate::conformance {

struct StartParams {
  std::string provider = {};
  std::string app_id = {};                               // client_id of /start
  std::optional<std::string> redirect_uri = std::nullopt;  // absent: not sent
  std::optional<std::string> state = std::nullopt;         // absent: not sent
  std::vector<std::pair<std::string, std::string>> extra = {};  // scope, code_challenge, ...
  bool connection_params = true;  // send the catalogue's example connection params
  HeaderList headers = {};
};

// The /start URL for `p` on the gateway: every value percent-encoded (one decoding gives the
// exact bytes back, SPEC §2).
std::string startUrl(World& world, const StartParams& p);

enum class Decision { kApprove, kDeny };

struct Credential {
  std::string id;
  std::string provider;
  std::string oauth_app_id;
  std::string access_token;
  std::optional<std::string> refresh_token;
  Json properties;
  Json raw;
};
// Reads the 200 answer of POST /link/oauth2/token (SPEC §3); a description when it is not one.
Result<Credential> parseCredential(const HttpResponse& response);

class Flow {
 public:
  // `start_base`: the gateway instance whose /start the browser opens (default: the public URL;
  // another instance shares it, so the provider still returns to the public callback).
  Flow(World& world, Trace* trace, std::string start_base = "");

  // GET /link/oauth2/start; the answer as is. On a 302 to the provider, remembers the
  // authorization URL and the gateway's state in it.
  Result<HttpResponse> start(const StartParams& params);
  // The same for a ready-made start URL (a start link of POST /v1/credentials/start-auth).
  Result<HttpResponse> startAt(const std::string& provider, const std::string& url,
                               const HeaderList& headers = {});
  // From the authorization URL through the provider's consent page (choosing `user`, default
  // the last offered) to the redirect back to the gateway: returns that callback URL without
  // following it.
  Result<std::string> consent(Decision decision, const std::optional<std::string>& user = {});
  // GET the callback with this browser's cookies.
  Result<HttpResponse> callback(const std::string& url);
  // start + consent + callback; fails unless /start answered 302 to the provider.
  Result<HttpResponse> run(const StartParams& params, Decision decision = Decision::kApprove);

  // A 302 answer's Location, or a description of what came instead.
  static Result<std::string> redirectTarget(const HttpResponse& response, const std::string& what);
  // Checks a Location against SPEC §1.3 for destination D; returns the appended parameters or
  // the problem.
  Result<model::AppendedParams> finalParams(const std::string& location,
                                            const std::string& destination,
                                            const model::FinalExpectation& expected) const;
  // POST /link/oauth2/token for `app` and parse the credential.
  Result<Credential> exchange(const App& app, const std::string& code,
                              const std::optional<std::string>& verifier = {});

  UserAgent& browser() { return *browser_; }
  const std::optional<std::string>& authorizeUrl() const { return authorize_url_; }
  const std::optional<std::string>& gatewayState() const { return gateway_state_; }
  const std::string& user() const { return user_; }  // the user chosen on the consent page
  // Every user id the consent page offered (empty with --auto-approve).
  const std::vector<std::string>& offeredUsers() const { return offered_users_; }
  bool isCallback(const std::string& url) const;
  World& world() { return world_; }

 private:
  World& world_;
  Trace* trace_;
  std::string start_base_;
  std::unique_ptr<UserAgent> browser_;
  std::string provider_;
  std::optional<std::string> authorize_url_;
  std::optional<std::string> gateway_state_;
  std::string user_;
  std::vector<std::string> offered_users_;
};

// Whether an api/me answer identifies `user` among `offered` users (SPEC §3 "exact tokens"):
// "" when it names the user or names none of them (the identity is not in that provider's
// answer), else what it names instead.
std::string identityProblem(const std::string& me_body, const std::string& user,
                            const std::vector<std::string>& offered);

}  // namespace linkgate::conformance
