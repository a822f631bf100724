// Fault parsing and the fault list.
#include "simulator/fault_store.h"

#include <algorithm>

namespace linkgate::sim {
namespace {

const std::vector<std::pair<std::string_view, FaultKind>> kKinds = {
    {"status", FaultKind::kStatus},
    {"delay", FaultKind::kDelay},
    {"malformed_body", FaultKind::kMalformedBody},
    {"drop_connection", FaultKind::kDropConnection},
    {"invalid_grant", FaultKind::kInvalidGrant},
    {"deny_consent", FaultKind::kDenyConsent},
    {"huge_body", FaultKind::kHugeBody},
    {"deep_json", FaultKind::kDeepJson},
    {"long_token", FaultKind::kLongToken},
    {"echo_secret", FaultKind::kEchoSecret},
    {"id_token_wrong_iss", FaultKind::kIdTokenWrongIss},
    {"id_token_wrong_aud", FaultKind::kIdTokenWrongAud},
    {"id_token_expired", FaultKind::kIdTokenExpired},
    {"id_token_bad_signature", FaultKind::kIdTokenBadSignature},
    {"id_token_unknown_kid", FaultKind::kIdTokenUnknownKid},
    {"id_token_replay", FaultKind::kIdTokenReplay},
    {"id_token_alg_none", FaultKind::kIdTokenAlgNone},
    {"id_token_other_sub", FaultKind::kIdTokenOtherSub}};

std::optional<int64_t> intField(const Json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

}  // namespace

bool isIdTokenFault(FaultKind kind) {
  switch (kind) {
    case FaultKind::kIdTokenWrongIss:
    case FaultKind::kIdTokenWrongAud:
    case FaultKind::kIdTokenExpired:
    case FaultKind::kIdTokenBadSignature:
    case FaultKind::kIdTokenUnknownKid:
    case FaultKind::kIdTokenReplay:
    case FaultKind::kIdTokenAlgNone:
    case FaultKind::kIdTokenOtherSub: return true;
    default: return false;
  }
}

std::string_view wireName(FaultKind kind) {
  for (const auto& [name, k] : kKinds) {
    if (k == kind) return name;
  }
  return "?";
}

Result<Fault> parseFault(const Json& body) {
  static const std::vector<std::string_view> kFields = {"provider", "endpoint", "kind",
                                                        "status",   "delay_ms", "count"};
  if (!body.is_object()) return fail("invalid_request", "body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (std::find(kFields.begin(), kFields.end(), key) == kFields.end()) {
      return fail("invalid_request", "unknown field " + key);
    }
  }
  Fault f;
  auto provider = jsonString(body, "provider");
  if (!provider || provider->empty()) return fail("invalid_request", "provider: required string");
  f.provider = *provider;
  auto kind = jsonString(body, "kind");
  if (!kind) return fail("invalid_request", "kind: required string");
  bool known = false;
  for (const auto& [name, k] : kKinds) {
    if (*kind == name) {
      f.kind = k;
      known = true;
    }
  }
  if (!known) return fail("invalid_request", "kind: unknown value " + *kind);
  auto endpoint = jsonString(body, "endpoint");
  if (body.contains("endpoint") && !endpoint) {
    return fail("invalid_request", "endpoint: must be a string");
  }
  if (!endpoint && f.kind == FaultKind::kDenyConsent) endpoint = "authorize";
  if (!endpoint) return fail("invalid_request", "endpoint: required string");
  if (*endpoint != "authorize" && *endpoint != "token" && *endpoint != "refresh" &&
      *endpoint != "api_me" && *endpoint != "resource" && *endpoint != "discovery" &&
      *endpoint != "jwks" && *endpoint != "userinfo") {
    return fail("invalid_request",
                "endpoint: must be authorize, token, refresh, api_me, resource, discovery, jwks "
                "or userinfo");
  }
  f.endpoint = *endpoint;
  if (f.kind == FaultKind::kDenyConsent && f.endpoint != "authorize") {
    return fail("invalid_request", "deny_consent applies to endpoint authorize only");
  }
  if (f.kind == FaultKind::kInvalidGrant && f.endpoint != "token" && f.endpoint != "refresh") {
    return fail("invalid_request", "invalid_grant applies to endpoints token and refresh only");
  }
  const bool hostile = f.kind == FaultKind::kHugeBody || f.kind == FaultKind::kDeepJson ||
                       f.kind == FaultKind::kLongToken || f.kind == FaultKind::kEchoSecret;
  if ((hostile || isIdTokenFault(f.kind)) && f.endpoint != "token" && f.endpoint != "refresh") {
    return fail("invalid_request", std::string(wireName(f.kind)) +
                                       " applies to endpoints token and refresh only");
  }
  if (f.kind == FaultKind::kStatus) {
    auto status = intField(body, "status");
    if (!status || *status < 100 || *status > 599) {
      return fail("invalid_request", "status: required integer 100..599 with kind status");
    }
    f.status = static_cast<int>(*status);
  } else if (body.contains("status")) {
    return fail("invalid_request", "status: only with kind status");
  }
  if (f.kind == FaultKind::kDelay) {
    auto delay = intField(body, "delay_ms");
    if (!delay || *delay < 0 || *delay > 600000) {
      return fail("invalid_request", "delay_ms: required integer 0..600000 with kind delay");
    }
    f.delay_ms = *delay;
  } else if (body.contains("delay_ms")) {
    return fail("invalid_request", "delay_ms: only with kind delay");
  }
  if (body.contains("count")) {
    auto count = intField(body, "count");
    if (!count || *count < 1) return fail("invalid_request", "count: must be an integer >= 1");
    f.remaining = *count;
  }
  return f;
}

Json faultToJson(const Fault& f) {
  Json j{{"id", f.id},
         {"provider", f.provider},
         {"endpoint", f.endpoint},
         {"kind", wireName(f.kind)},
         {"count", f.remaining}};
  if (f.kind == FaultKind::kStatus) j["status"] = f.status;
  if (f.kind == FaultKind::kDelay) j["delay_ms"] = f.delay_ms;
  return j;
}

int64_t FaultStore::add(Fault fault) {
  std::lock_guard lock(mu_);
  fault.id = next_id_++;
  faults_.push_back(fault);
  return fault.id;
}

std::optional<Fault> FaultStore::take(std::string_view provider, std::string_view endpoint) {
  std::lock_guard lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->provider != provider || it->endpoint != endpoint) continue;
    Fault f = *it;
    if (--it->remaining <= 0) faults_.erase(it);
    return f;
  }
  return std::nullopt;
}

std::vector<Fault> FaultStore::list() const {
  std::lock_guard lock(mu_);
  return {faults_.begin(), faults_.end()};
}

void FaultStore::clear() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

}  // namespace linkgate::sim
