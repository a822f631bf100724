// Pending consents, authorization codes, access and refresh tokens. Every token remembers the
// code (grant) it descends from, so a reused code revokes the whole lineage (RFC 6749 §4.1.2).
#pragma once
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "simulator/profile.h"

namespace linkgate::sim {

// What the user approved at the authorization endpoint.
struct AuthorizationRequest {
  std::string provider;
  std::string client_id;
  std::string redirect_uri;        // the effective one (sent, or the only registered one)
  bool redirect_uri_sent = false;  // RFC 6749 §4.1.3: then the token request must repeat it
  std::optional<std::string> state;
  std::vector<std::string> scopes;  // granted
  std::string code_challenge;       // "" = none sent
  std::string code_challenge_method;
  std::map<std::string, std::string> params;  // template params from the endpoint host
  StringMap authorize_params;                 // the query, for refresh.issued authorize_param
  std::string base;  // the simulator's origin as the client saw it (the mapped OIDC issuer)
};

struct PendingConsent {
  std::string id;
  AuthorizationRequest request;
  TimePoint expires_at;
};

struct CodeGrant {
  std::string code;
  AuthorizationRequest request;
  std::string user_id;
  TimePoint expires_at;
};

struct TokenRecord {  // access or refresh token
  std::string token;
  std::string provider;
  std::string client_id;
  std::string user_id;
  std::vector<std::string> scopes;
  std::map<std::string, std::string> params;
  std::optional<TimePoint> expires_at;  // none = never
  std::optional<TimePoint> revoked_at;  // valid while now < revoked_at
  std::string grant;                    // the code the lineage started from
  // The authorization request's query (the code exchange's id_token nonce; a refreshed one has
  // none), shared by every token of the lineage: one copy per authorization, not per token.
  std::shared_ptr<const StringMap> authorize_params;
  bool companion = false;  // token.companion's token (its prefix and token_type on refresh)
  bool long_lived = false;  // issued by a long_lived exchange or renewal
  // A UUID naming the authorization (consent + code exchange) the lineage started from, kept
  // by refreshes: the {authorization_id} placeholder (Xero's authentication_event_id).
  std::string authorization_id;
  std::optional<TimePoint> issued_at;  // access tokens: when issued (long_lived min_age_seconds)

  bool validAt(TimePoint now) const {
    return (!expires_at || now < *expires_at) && (!revoked_at || now < *revoked_at);
  }
};

// Tokens to store when a code or refresh token is accepted.
struct Issue {
  TokenRecord access;
  std::optional<TokenRecord> refresh;    // a new refresh token
  std::optional<TimePoint> revoke_old_at;  // refresh grant: when the presented one stops working
  // token.companion: the second access token of a code exchange, and its refresh token.
  std::optional<TokenRecord> companion_access;
  std::optional<TokenRecord> companion_refresh;
  // token.limit: of the access tokens issued for the same provider, client, user and scope set,
  // only the newest this many are kept; the oldest past it is revoked (and forgotten at once),
  // whether or not it was still valid. 0 = no limit.
  size_t per_user_scope_limit = 0;
};

// A rejection decided by a validation callback: RFC 6749 error code + description.
struct Rejection {
  std::string error;
  std::string description;
};

enum class CodeStatus { kIssued, kUnknown, kReused, kExpired, kRejected };
enum class RefreshStatus { kIssued, kUnknown, kRevoked, kExpired, kRejected };

// Thread-safe; each operation is atomic under one lock.
//
// Expired entries are pruned by the injected clock, amortised over inserts: after every
// `prune_every` inserts, or as many as there were live entries after the last sweep if that is
// more (so a sweep costs O(1) per insert). An entry goes only once it has been past its end for
// kPruneSlack, so a request that read the clock just before an end still finds what it checked:
// a consent after its expiry; a code — used or not — after its lifetime (a reused code is
// detected and revokes its lineage until then); a token once expired or revoked; a revoked
// lineage's mark once its code is gone (none of its tokens is valid by then).
class GrantStore {
 public:
  static constexpr size_t kDefaultPruneEvery = 1024;
  static constexpr std::chrono::seconds kPruneSlack{60};

  // clock must outlive the store.
  explicit GrantStore(const Clock& clock, size_t prune_every = kDefaultPruneEvery);

  using CodeDecision = std::function<std::variant<Issue, Rejection>(const CodeGrant&)>;
  using RefreshDecision = std::function<std::variant<Issue, Rejection>(const TokenRecord&)>;

  void addConsent(PendingConsent consent);
  // Removes and returns the consent (single use); nullopt when unknown.
  std::optional<PendingConsent> takeConsent(const std::string& id);

  void addCode(CodeGrant code);
  // Redeems a code: unknown → kUnknown; already used → kReused and every token of its lineage
  // revoked; expired → kExpired; otherwise decide(code) either rejects (code unchanged) or
  // gives tokens, stored at once, and the code is marked used. `code` is the redeemed code
  // (kIssued), or the code as stored (kExpired, kRejected).
  struct CodeOutcome {
    CodeStatus status;
    std::optional<Rejection> rejection;
    std::optional<Issue> issued;
    std::optional<CodeGrant> code;
  };
  CodeOutcome redeemCode(const std::string& code, TimePoint now, const CodeDecision& decide);

  // Uses a refresh token: unknown, revoked or expired → that status; otherwise decide(record)
  // rejects or gives the new tokens (stored; the old refresh token is revoked at
  // Issue::revoke_old_at when set).
  struct RefreshOutcome {
    RefreshStatus status;
    std::optional<Rejection> rejection;
    std::optional<Issue> issued;
  };
  // With exchange (providers that renew by exchanging the access token itself, e.g.
  // fb_exchange_token), `token` is looked up among the access tokens instead.
  RefreshOutcome useRefreshToken(const std::string& token, TimePoint now,
                                 const RefreshDecision& decide, bool exchange = false);

  std::optional<TokenRecord> findAccessToken(const std::string& token) const;
  std::optional<TokenRecord> findRefreshToken(const std::string& token) const;
  // Revokes every token descending from grant, now and in the future.
  void revokeGrant(const std::string& grant, TimePoint now);

  void clear();

  // Removes what has been past its end for kPruneSlack at `now` (also run automatically).
  void prune(TimePoint now);
  struct Sizes {
    size_t consents, codes, access_tokens, refresh_tokens, revoked_grants;
  };
  Sizes sizes() const;

 private:
  void storeIssue(const Issue& issue, TimePoint now);
  void revokeLocked(const std::string& grant, TimePoint now);
  void limitPerUserScopeLocked(const TokenRecord& access, size_t limit);
  void countInsertLocked();
  void pruneLocked(TimePoint now);

  const Clock& clock_;
  const size_t prune_every_;
  size_t inserts_since_prune_ = 0;
  size_t prune_due_;  // inserts until the next sweep
  mutable std::mutex mu_;
  // Hashed (issue 10): tokens that never expire (GitHub's) stay for the process's life, and
  // ordered maps of long random keys cost a string compare per level on every lookup.
  std::unordered_map<std::string, PendingConsent> consents_;
  std::unordered_map<std::string, CodeGrant> codes_;  // not yet redeemed
  // A redeemed code only answers its reuse (by its name, until it expires): its name and end,
  // not the request it carried (a provider issuing 20k codes/s keeps 10 minutes of them).
  std::unordered_map<std::string, TimePoint> used_codes_;
  std::unordered_map<std::string, TokenRecord> access_;
  std::unordered_map<std::string, TokenRecord> refresh_;
  std::unordered_set<std::string> revoked_grants_;
  // token.limit: the access tokens of each provider/client/user/scope set, oldest first.
  std::unordered_map<std::string, std::deque<std::string>> by_user_scope_;
};

}  // namespace linkgate::sim
