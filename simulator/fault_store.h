// Faults armed through POST /_sim/faults: each applies to the next `count` matching requests.
#pragma once
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace linkgate::sim {

enum class FaultKind {
  kStatus, kDelay, kMalformedBody, kDropConnection, kInvalidGrant, kDenyConsent,
  // Hostile answers (issue 15), token and refresh only: simulator/fault_answers.h.
  kHugeBody, kDeepJson, kLongToken, kEchoSecret,

  // OpenID Connect (SPEC §8): the token answer's id_token is wrong in one way.
  kIdTokenWrongIss, kIdTokenWrongAud, kIdTokenExpired, kIdTokenBadSignature,
  kIdTokenUnknownKid, kIdTokenReplay, kIdTokenAlgNone, kIdTokenOtherSub
};
// True for the kIdToken* kinds (endpoints token and refresh only).
bool isIdTokenFault(FaultKind kind);

struct Fault {
  int64_t id = 0;
  std::string provider;
  std::string endpoint;  // authorize|token|refresh|api_me|resource|discovery|jwks|userinfo
  FaultKind kind = FaultKind::kStatus;
  int status = 0;        // kStatus
  int64_t delay_ms = 0;  // kDelay
  int64_t remaining = 1;
};

std::string_view wireName(FaultKind kind);
// Validates a POST /_sim/faults body (provider existence is the caller's check). Error id
// "invalid_request" with the reason.
Result<Fault> parseFault(const Json& body);
Json faultToJson(const Fault& f);

// Thread-safe.
class FaultStore {
 public:
  int64_t add(Fault fault);  // assigns and returns the id
  // The first armed fault for provider/endpoint, with one use consumed; nullopt when none.
  std::optional<Fault> take(std::string_view provider, std::string_view endpoint);
  std::vector<Fault> list() const;
  void clear();

 private:
  mutable std::mutex mu_;
  std::list<Fault> faults_;
  int64_t next_id_ = 1;
};

}  // namespace linkgate::sim
