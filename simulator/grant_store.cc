// GrantStore: consents, codes and tokens under one lock.
#include "simulator/grant_store.h"

namespace linkgate::sim {

void GrantStore::addConsent(PendingConsent consent) {
  std::lock_guard lock(mu_);
  std::string id = consent.id;
  consents_[id] = std::move(consent);
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
}

GrantStore::CodeOutcome GrantStore::redeemCode(const std::string& code, TimePoint now,
                                               const CodeDecision& decide) {
  std::lock_guard lock(mu_);
  auto it = codes_.find(code);
  if (it == codes_.end()) return {CodeStatus::kUnknown, {}, {}, {}};
  CodeGrant& grant = it->second;
  if (grant.used) {
    // RFC 6749 §4.1.2: a second use SHOULD revoke the tokens issued with the code.
    revokeLocked(grant.code, now);
    return {CodeStatus::kReused, {}, {}, grant};
  }
  if (now >= grant.expires_at) return {CodeStatus::kExpired, {}, {}, grant};
  auto decision = decide(grant);
  if (auto* r = std::get_if<Rejection>(&decision)) return {CodeStatus::kRejected, *r, {}, grant};
  Issue issue = std::get<Issue>(std::move(decision));
  grant.used = true;
  storeIssue(issue, now);
  return {CodeStatus::kIssued, {}, issue, grant};
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
  TokenRecord access = issue.access;
  bool revoked = revoked_grants_.contains(access.grant);
  if (revoked) access.revoked_at = now;
  access_[access.token] = access;
  if (issue.refresh) {
    TokenRecord refresh = *issue.refresh;
    if (revoked) refresh.revoked_at = now;
    refresh_[refresh.token] = refresh;
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
  access_.clear();
  refresh_.clear();
  revoked_grants_.clear();
}

}  // namespace linkgate::sim
