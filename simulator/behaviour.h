// OAuth-level behaviours of a provider: the profile's values, overridden at run time through
// POST /_sim/providers/{slug}/behaviour (SPEC §5).
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"
#include "simulator/profile.h"

namespace linkgate::sim {

// How the callback carries `iss` (RFC 9207): as the profile says, always, never, or wrong.
enum class IssMode { kProfile, kPresent, kAbsent, kWrong };

struct BehaviourOverride {
  std::optional<Rotation> rotation;
  std::optional<int64_t> grace_seconds;
  std::optional<ExpiresIn> expires_in;
  std::optional<ScopeSeparator> scope_separator;
  std::optional<PkceMode> pkce;
  std::optional<IssMode> iss;
  std::optional<int64_t> code_ttl_seconds;
  std::optional<int64_t> access_token_ttl_seconds;
  std::optional<int64_t> tokens_per_user_scope;
  std::optional<bool> refresh_errors_http200;
  std::optional<bool> strict_docs;
};

// The behaviour in force for one request.
struct Behaviour {
  Rotation rotation;
  int64_t grace_seconds;
  ExpiresIn expires_in;
  // How a requested `scope` is split (after percent-decoding) and granted scopes are joined.
  ScopeSeparator scope_separator;
  PkceMode pkce;
  IssMode iss;
  int64_t code_ttl_seconds;
  int64_t access_token_ttl_seconds;
  // token.limit: access tokens kept per client, user and scope set (0 = no limit).
  int64_t tokens_per_user_scope;
  bool refresh_errors_http200;
  // Only the documented form is accepted: the profile's tolerances are off (--strict-docs).
  bool strict_docs = false;

  // Whether the callback carries iss, and with which value.
  std::optional<std::string> issValue(const std::string& issuer, bool profile_sends) const;
  Json toJson() const;
};

Behaviour profileBehaviour(const Profile& profile);
Behaviour applyOverride(Behaviour base, const BehaviourOverride& o);
// Parses a (partial) behaviour body strictly; error id "invalid_request".
Result<BehaviourOverride> parseBehaviour(const Json& body);
// Merges newer fields over older ones.
BehaviourOverride mergeOverride(BehaviourOverride older, const BehaviourOverride& newer);

// Thread-safe per-provider overrides.
class BehaviourStore {
 public:
  // Merges o into the provider's overrides; returns the effective behaviour.
  Behaviour update(const Profile& profile, const BehaviourOverride& o);
  void remove(const std::string& provider);
  Behaviour effective(const Profile& profile) const;
  void clear();
  // The strict_docs value of every provider without an override (the --strict-docs flag).
  void setStrictDocsDefault(bool strict);

 private:
  mutable std::mutex mu_;
  bool strict_docs_default_ = false;
  std::map<std::string, BehaviourOverride, std::less<>> overrides_;
};

}  // namespace linkgate::sim
