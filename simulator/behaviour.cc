// Behaviour overrides: parsing, merging, effective values.
#include "simulator/behaviour.h"

#include <algorithm>
#include <vector>

namespace linkgate::sim {
namespace {

template <class T>
Result<T> enumField(const Json& v, std::string_view field,
                    const std::vector<std::pair<std::string_view, T>>& table) {
  if (v.is_string()) {
    for (const auto& [name, value] : table) {
      if (v.get_ref<const std::string&>() == name) return value;
    }
  }
  std::string allowed;
  for (const auto& [name, value] : table) allowed += (allowed.empty() ? "" : ", ") + std::string(name);
  return fail("invalid_request", std::string(field) + ": must be one of " + allowed);
}

Result<int64_t> nonNegative(const Json& v, std::string_view field) {
  if (!v.is_number_integer() || v.get<int64_t>() < 0) {
    return fail("invalid_request", std::string(field) + ": must be an integer >= 0");
  }
  return v.get<int64_t>();
}

std::string_view issName(IssMode m) {
  switch (m) {
    case IssMode::kProfile: return "profile";
    case IssMode::kPresent: return "present";
    case IssMode::kAbsent: return "absent";
    case IssMode::kWrong: return "wrong";
  }
  return "?";
}

}  // namespace

std::optional<std::string> Behaviour::issValue(const std::string& issuer, bool profile_sends) const {
  switch (iss) {
    case IssMode::kProfile: return profile_sends ? std::optional(issuer) : std::nullopt;
    case IssMode::kPresent: return issuer;
    case IssMode::kAbsent: return std::nullopt;
    case IssMode::kWrong: return "https://wrong-issuer.invalid";
  }
  return std::nullopt;
}

Json Behaviour::toJson() const {
  return Json{{"rotation", wireName(rotation)},
              {"grace_seconds", grace_seconds},
              {"expires_in", wireName(expires_in)},
              {"scope_separator", wireName(scope_separator)},
              {"pkce", wireName(pkce)},
              {"iss", issName(iss)},
              {"code_ttl_seconds", code_ttl_seconds},
              {"access_token_ttl_seconds", access_token_ttl_seconds},
              {"tokens_per_user_scope", tokens_per_user_scope},
              {"refresh_errors_http200", refresh_errors_http200},
              {"strict_docs", strict_docs}};
}

Behaviour profileBehaviour(const Profile& p) {
  return Behaviour{p.refresh.rotation,
                   p.refresh.grace_seconds,
                   p.token.expires_in,
                   p.authorize.scope_separator,
                   p.authorize.pkce,
                   IssMode::kProfile,
                   p.token.code_ttl_seconds,
                   p.token.access_token_ttl_seconds,
                   p.token.limit.per_user_scope,
                   p.refresh.errors.style == ErrorStyle::kHttp200};
}

Behaviour applyOverride(Behaviour b, const BehaviourOverride& o) {
  if (o.rotation) b.rotation = *o.rotation;
  if (o.grace_seconds) b.grace_seconds = *o.grace_seconds;
  if (o.expires_in) b.expires_in = *o.expires_in;
  if (o.scope_separator) b.scope_separator = *o.scope_separator;
  if (o.pkce) b.pkce = *o.pkce;
  if (o.iss) b.iss = *o.iss;
  if (o.code_ttl_seconds) b.code_ttl_seconds = *o.code_ttl_seconds;
  if (o.access_token_ttl_seconds) b.access_token_ttl_seconds = *o.access_token_ttl_seconds;
  if (o.tokens_per_user_scope) b.tokens_per_user_scope = *o.tokens_per_user_scope;
  if (o.refresh_errors_http200) b.refresh_errors_http200 = *o.refresh_errors_http200;
  if (o.strict_docs) b.strict_docs = *o.strict_docs;
  return b;
}

BehaviourOverride mergeOverride(BehaviourOverride a, const BehaviourOverride& b) {
  if (b.rotation) a.rotation = b.rotation;
  if (b.grace_seconds) a.grace_seconds = b.grace_seconds;
  if (b.expires_in) a.expires_in = b.expires_in;
  if (b.scope_separator) a.scope_separator = b.scope_separator;
  if (b.pkce) a.pkce = b.pkce;
  if (b.iss) a.iss = b.iss;
  if (b.code_ttl_seconds) a.code_ttl_seconds = b.code_ttl_seconds;
  if (b.access_token_ttl_seconds) a.access_token_ttl_seconds = b.access_token_ttl_seconds;
  if (b.tokens_per_user_scope) a.tokens_per_user_scope = b.tokens_per_user_scope;
  if (b.refresh_errors_http200) a.refresh_errors_http200 = b.refresh_errors_http200;
  if (b.strict_docs) a.strict_docs = b.strict_docs;
  return a;
}

Result<BehaviourOverride> parseBehaviour(const Json& body) {
  if (!body.is_object()) return fail("invalid_request", "body must be a JSON object");
  BehaviourOverride o;
  for (const auto& [key, v] : body.items()) {
    if (key == "rotation") {
      auto r = enumField<Rotation>(v, key, {{"none", Rotation::kNone},
                                            {"strict", Rotation::kStrict},
                                            {"grace", Rotation::kGrace}});
      if (!r) return std::unexpected(r.error());
      o.rotation = *r;
    } else if (key == "grace_seconds") {
      auto n = nonNegative(v, key);
      if (!n) return std::unexpected(n.error());
      o.grace_seconds = *n;
    } else if (key == "expires_in") {
      auto r = enumField<ExpiresIn>(v, key, {{"number", ExpiresIn::kNumber},
                                             {"string", ExpiresIn::kString},
                                             {"absent", ExpiresIn::kAbsent},
                                             {"zero", ExpiresIn::kZero}});
      if (!r) return std::unexpected(r.error());
      o.expires_in = *r;
    } else if (key == "scope_separator") {
      // `plus` splits the percent-decoded value on '+': a client must send %2B, since a
      // literal '+' in a query string decodes to a space (fixtures/providers/README.md).
      auto r = enumField<ScopeSeparator>(v, key, {{"space", ScopeSeparator::kSpace},
                                                  {"comma", ScopeSeparator::kComma},
                                                  {"plus", ScopeSeparator::kPlus},
                                                  {"none", ScopeSeparator::kNone}});
      if (!r) return std::unexpected(r.error());
      o.scope_separator = *r;
    } else if (key == "pkce") {
      auto r = enumField<PkceMode>(v, key, {{"required", PkceMode::kRequired},
                                            {"supported", PkceMode::kSupported},
                                            {"not_supported", PkceMode::kNotSupported},
                                            {"accept_then_reject", PkceMode::kAcceptThenReject}});
      if (!r) return std::unexpected(r.error());
      o.pkce = *r;
    } else if (key == "iss") {
      auto r = enumField<IssMode>(v, key, {{"profile", IssMode::kProfile},
                                           {"present", IssMode::kPresent},
                                           {"absent", IssMode::kAbsent},
                                           {"wrong", IssMode::kWrong}});
      if (!r) return std::unexpected(r.error());
      o.iss = *r;
    } else if (key == "code_ttl_seconds") {
      auto n = nonNegative(v, key);
      if (!n) return std::unexpected(n.error());
      if (*n == 0) return fail("invalid_request", "code_ttl_seconds: must be > 0");
      o.code_ttl_seconds = *n;
    } else if (key == "access_token_ttl_seconds") {
      auto n = nonNegative(v, key);
      if (!n) return std::unexpected(n.error());
      o.access_token_ttl_seconds = *n;
    } else if (key == "tokens_per_user_scope") {
      auto n = nonNegative(v, key);
      if (!n) return std::unexpected(n.error());
      o.tokens_per_user_scope = *n;
    } else if (key == "refresh_errors_http200") {
      if (!v.is_boolean()) return fail("invalid_request", key + ": must be a boolean");
      o.refresh_errors_http200 = v.get<bool>();
    } else if (key == "strict_docs") {
      if (!v.is_boolean()) return fail("invalid_request", key + ": must be a boolean");
      o.strict_docs = v.get<bool>();
    } else {
      return fail("invalid_request", "unknown field " + key);
    }
  }
  return o;
}

Behaviour BehaviourStore::update(const Profile& profile, const BehaviourOverride& o) {
  std::lock_guard lock(mu_);
  auto& current = overrides_[profile.slug];
  current = mergeOverride(current, o);
  Behaviour b = profileBehaviour(profile);
  b.strict_docs = strict_docs_default_;
  return applyOverride(b, current);
}

void BehaviourStore::remove(const std::string& provider) {
  std::lock_guard lock(mu_);
  overrides_.erase(provider);
}

Behaviour BehaviourStore::effective(const Profile& profile) const {
  std::lock_guard lock(mu_);
  auto it = overrides_.find(profile.slug);
  Behaviour b = profileBehaviour(profile);
  b.strict_docs = strict_docs_default_;
  return it == overrides_.end() ? b : applyOverride(b, it->second);
}

void BehaviourStore::setStrictDocsDefault(bool strict) {
  std::lock_guard lock(mu_);
  strict_docs_default_ = strict;
}

void BehaviourStore::clear() {
  std::lock_guard lock(mu_);
  overrides_.clear();
}

}  // namespace linkgate::sim
