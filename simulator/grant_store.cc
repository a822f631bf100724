// GrantStore: consents, codes and tokens under one lock.
#include "simulator/grant_store.h"

#include <algorithm>

namespace linkgate::sim {

GrantStore::GrantStore(const Clock& clock, size_t prune_every)
    : clock_(clock), prune_every_(std::max<size_t>(prune_every, 1)), prune_due_(prune_every_) {}

void GrantStore::addConsent(PendingConsent consent) {
  std::lock_guard lock(mu_);
  std::string id = consent.id;
  consents_[id] = std::move(consent);
  countInsertLocked();
}

std::optional<PendingConsent> GrantStore::takeConsent(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = consents_.find(id);
  if (it == consents_.end()) return std::nullopt;
  PendingConsent c = std::move(it->second);
  consents_.erase(it);
  return c;
}

void GrantStore::addCode(CodeGrant code) {
  std::lock_guard lock(mu_);
  std::string key = code.code;
  codes_[key] = std::move(code);
  countInsertLocked();
}

GrantStore::CodeOutcome GrantStore::redeemCode(const std::string& code, TimePoint now,
                                               const CodeDecision& decide) {
  std::lock_guard lock(mu_);
  auto it = codes_.find(code);
  if (it == codes_.end()) {
    if (!used_codes_.contains(code)) return {CodeStatus::kUnknown, {}, {}, {}};
    // RFC 6749 §4.1.2: a second use SHOULD revoke the tokens issued with the code.
    revokeLocked(code, now);
    return {CodeStatus::kReused, {}, {}, {}};
  }
  CodeGrant& grant = it->second;
  if (now >= grant.expires_at) return {CodeStatus::kExpired, {}, {}, grant};
  auto decision = decide(grant);
  if (auto* r = std::get_if<Rejection>(&decision)) return {CodeStatus::kRejected, *r, {}, grant};
  Issue issue = std::get<Issue>(std::move(decision));
  storeIssue(issue, now);
  used_codes_.emplace(code, grant.expires_at);
  CodeGrant redeemed = std::move(grant);  // the caller answers with its user and request
  codes_.erase(it);
  return {CodeStatus::kIssued, {}, std::move(issue), std::move(redeemed)};
}

GrantStore::RefreshOutcome GrantStore::useRefreshToken(const std::string& token, TimePoint now,
                                                       const RefreshDecision& decide,
                                                       bool exchange) {
  std::lock_guard lock(mu_);
  auto& tokens = exchange ? access_ : refresh_;
  auto it = tokens.find(token);
  if (it == tokens.end()) return {RefreshStatus::kUnknown, {}, {}};
  TokenRecord& old = it->second;
  if (old.revoked_at && now >= *old.revoked_at) return {RefreshStatus::kRevoked, {}, {}};
  if (old.expires_at && now >= *old.expires_at) return {RefreshStatus::kExpired, {}, {}};
  auto decision = decide(old);
  if (auto* r = std::get_if<Rejection>(&decision)) return {RefreshStatus::kRejected, *r, {}};
  Issue issue = std::get<Issue>(std::move(decision));
  if (issue.revoke_old_at && (!old.revoked_at || *issue.revoke_old_at < *old.revoked_at)) {
    old.revoked_at = issue.revoke_old_at;
  }
  storeIssue(issue, now);
  return {RefreshStatus::kIssued, {}, issue};
}

void GrantStore::storeIssue(const Issue& issue, TimePoint now) {
  bool revoked = revoked_grants_.contains(issue.access.grant);
  // One copy of each record, straight into its map.
  auto put = [&](auto& tokens, const TokenRecord& record) {
    auto [it, inserted] = tokens.insert_or_assign(record.token, record);
    if (revoked) it->second.revoked_at = now;
  };
  put(access_, issue.access);
  if (issue.per_user_scope_limit > 0) {
    limitPerUserScopeLocked(issue.access, issue.per_user_scope_limit);
  }
  for (const auto* extra : {&issue.refresh, &issue.companion_refresh}) {
    if (*extra) put(refresh_, **extra);
  }
  if (issue.companion_access) put(access_, *issue.companion_access);
  countInsertLocked();
}

namespace {
std::string userScopeKey(const TokenRecord& t) {
  std::vector<std::string> scopes = t.scopes;
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  std::string key = t.provider + '\n' + t.client_id + '\n' + t.user_id;
  for (const auto& s : scopes) key += '\n' + s;
  return key;
}
}  // namespace

void GrantStore::limitPerUserScopeLocked(const TokenRecord& access, size_t limit) {
  auto& names = by_user_scope_[userScopeKey(access)];
  names.push_back(access.token);
  // Only the newest `limit` issued can be valid. The oldest goes at once: kept as revoked until
  // the slack ends, a provider that never expires its tokens (GitHub) would hold every one
  // issued in the last minute. O(1) per token, whatever the limit.
  while (names.size() > limit) {
    access_.erase(names.front());
    names.pop_front();
  }
}

std::optional<TokenRecord> GrantStore::findAccessToken(const std::string& token) const {
  std::lock_guard lock(mu_);
  auto it = access_.find(token);
  if (it == access_.end()) return std::nullopt;
  return it->second;
}

std::optional<TokenRecord> GrantStore::findRefreshToken(const std::string& token) const {
  std::lock_guard lock(mu_);
  auto it = refresh_.find(token);
  if (it == refresh_.end()) return std::nullopt;
  return it->second;
}

void GrantStore::revokeGrant(const std::string& grant, TimePoint now) {
  std::lock_guard lock(mu_);
  revokeLocked(grant, now);
}

void GrantStore::revokeLocked(const std::string& grant, TimePoint now) {
  revoked_grants_.insert(grant);
  for (auto* tokens : {&access_, &refresh_}) {
    for (auto& [key, record] : *tokens) {
      if (record.grant == grant && (!record.revoked_at || now < *record.revoked_at)) {
        record.revoked_at = now;
      }
    }
  }
}

void GrantStore::clear() {
  std::lock_guard lock(mu_);
  consents_.clear();
  codes_.clear();
  used_codes_.clear();
  access_.clear();
  refresh_.clear();
  revoked_grants_.clear();
  by_user_scope_.clear();
  inserts_since_prune_ = 0;
  prune_due_ = prune_every_;
}

void GrantStore::prune(TimePoint now) {
  std::lock_guard lock(mu_);
  pruneLocked(now);
}

GrantStore::Sizes GrantStore::sizes() const {
  std::lock_guard lock(mu_);
  return {consents_.size(), codes_.size() + used_codes_.size(), access_.size(), refresh_.size(),
          revoked_grants_.size()};
}

void GrantStore::countInsertLocked() {
  if (++inserts_since_prune_ < prune_due_) return;
  pruneLocked(clock_.now());
}

void GrantStore::pruneLocked(TimePoint now) {
  // Past an end for kPruneSlack: a handler that read the clock just before the end (another
  // thread may prune in between) still finds the entry it judged valid.
  auto gone = [&](const std::optional<TimePoint>& end) { return end && now >= *end + kPruneSlack; };
  std::erase_if(consents_, [&](const auto& kv) { return gone(kv.second.expires_at); });
  std::erase_if(codes_, [&](const auto& kv) { return gone(kv.second.expires_at); });
  // A used code is kept for its whole lifetime: its reuse must still revoke the lineage.
  std::erase_if(used_codes_, [&](const auto& kv) { return gone(kv.second); });
  for (auto* tokens : {&access_, &refresh_}) {
    std::erase_if(*tokens, [&](const auto& kv) {
      return gone(kv.second.expires_at) || gone(kv.second.revoked_at);
    });
  }
  // Revocation marks every lineage token at once, and a revoked token issues nothing, so the
  // mark only matters while the code can still be redeemed.
  std::erase_if(revoked_grants_, [&](const std::string& grant) {
    return !codes_.contains(grant) && !used_codes_.contains(grant);
  });
  for (auto it = by_user_scope_.begin(); it != by_user_scope_.end();) {
    std::erase_if(it->second, [&](const std::string& name) { return !access_.contains(name); });
    it = it->second.empty() ? by_user_scope_.erase(it) : std::next(it);
  }
  inserts_since_prune_ = 0;
  prune_due_ = std::max(prune_every_, consents_.size() + codes_.size() + used_codes_.size() +
                                          access_.size() + refresh_.size());
}

}  // namespace linkgate::sim
