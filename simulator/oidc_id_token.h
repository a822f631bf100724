// Makes the id_token of a token answer (OpenID Connect Core §2, §3.1.3.6): iss = the mapped
// discovery issuer, aud = the client, sub, iat, exp, nonce when the authorization request sent
// one, at_hash, auth_time where the profile says so, and the profile's usual claims; signed
// RS256 with the provider's current key, or HS256 with the client secret (oidc.signing_alg).
// Also makes the deliberately wrong ones of the id_token faults (POST /_sim/faults kind
// id_token_*).
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "simulator/oidc_keys.h"
#include "simulator/router.h"

namespace linkgate::sim {

enum class IdTokenFault {
  kNone,
  kWrongIss,      // iss of another issuer
  kWrongAud,      // aud another client
  kExpired,       // exp an hour before the earlier of the simulator clock and real time
  kBadSignature,  // one bit of the signature flipped
  kUnknownKid,    // signed by a key that no JWKS publishes, under a kid no JWKS has
  kReplay,        // the id_token this client got last (another flow's nonce), unchanged
  kAlgNone,       // alg "none", no signature (RFC 7519 §6)
  kOtherSub,      // well signed, but naming another subject (at refresh: OIDC Core §12.2)
};

struct IdTokenRequest {
  const Provider* provider = nullptr;
  std::string base;  // "http://host:port" the request came to
  std::map<std::string, std::string> params;
  const User* user = nullptr;
  std::string client_id;
  std::string client_secret;  // the HS256 key, for a profile whose oidc.signing_alg is HS256
  std::vector<std::string> scopes;
  ScopeSeparator separator = ScopeSeparator::kSpace;
  std::string access_token;
  std::optional<std::string> nonce;
  bool refresh = false;
  TimePoint now;
};

// The issuer a provider's discovery document names, for the request's base and params.
std::string mappedIssuer(const std::string& base, const Provider& p,
                         const std::map<std::string, std::string>& params);
// The `iss` of an id_token: the mapped issuer, except for a multi-tenant issuer (oidc.
// tenant_issuer), where the user's tenant claim of `claims` takes the place of `{tenantid}`.
std::string idTokenIssuer(const std::string& base, const Provider& p,
                          const std::map<std::string, std::string>& params, const Json& claims);
// True when this grant's answer carries an id_token per the profile's `oidc` block.
bool wantsIdToken(const Profile& p, const std::vector<std::string>& scopes, bool refresh);

// Thread-safe.
class IdTokenIssuer {
 public:
  // clock: the simulator's (moved by POST /_sim/clock); an expired fault is expired by its
  // base (real) time too, whatever clock the client keeps. May be null (then `now` only).
  IdTokenIssuer(OidcKeyRing& keys, RandomSource& random, const OffsetClock* clock = nullptr)
      : keys_(keys), random_(random), clock_(clock) {}
  // The compact id_token; an error only when no signing key can be made.
  Result<std::string> issue(const IdTokenRequest& request, IdTokenFault fault);
  // Any JWT of provider `slug` (token.access_token_jwt): `claims` signed with its current key,
  // header kid + typ "JWT". An error only when no signing key can be made.
  Result<std::string> signClaims(const std::string& slug, const Json& claims);
  void reset();

 private:
  struct Signer {
    const SigningKey* key;                   // RS256
    std::optional<std::string> hmac_secret;  // HS256 instead
  };
  Result<std::string> sign(Json header, const Json& claims, const Signer& signer,
                           IdTokenFault fault);
  Result<SigningKey> strangerKey();

  OidcKeyRing& keys_;
  RandomSource& random_;
  const OffsetClock* clock_;
  std::mutex mu_;
  std::map<std::string, std::string> last_;  // provider + " " + client_id -> last good id_token
  std::optional<SigningKey> stranger_;
};

}  // namespace linkgate::sim
