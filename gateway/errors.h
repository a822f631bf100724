// Gateway errors as values: one enum, one table mapping each code to a stable id, the OAuth
// wire error (RFC 6749 §4.1.2.1 / §5.2) and the HTTP status.
#pragma once
#include <expected>
#include <string>
#include <string_view>

#include "core/json.h"

namespace linkgate::gateway {

enum class Code {
  kInvalidRequest,        // malformed parameter or body
  kDuplicateParameter,    // RFC 6749 §3.1: parameters must not repeat
  kMissingParameter,
  kInvalidUuid,
  kUnknownApp,            // client_id names no OAuth app
  kRedirectUriMismatch,   // SPEC §2
  kBadConnectionParam,    // fails the catalogue pattern
  kUnsupportedPkce,       // plain or unknown code_challenge_method
  kInvalidScope,
  kUnknownProvider,
  kUnknownFlow,           // unknown, expired or used gateway state
  kFlowCookieMismatch,    // RFC 9700 §4.7.1
  kProviderMismatch,      // mix-up defence
  kIssMismatch,           // RFC 9207
  kProviderDenied,        // provider sent error= to the callback
  kProviderExchangeFailed,
  kInvalidClient,
  kInvalidGrant,
  kUnsupportedGrantType,
  kUnauthorized,          // management API key missing or wrong
  kNotFound,
  kMethodNotAllowed,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kBadJson,
  kInvalidRedirectUri,    // registration rules of SPEC §2
  kConflict,
  kStartLinkInvalid,
  kCredentialExpired,     // expired access token and no refresh token
  kCallbackSignature,     // a signed callback's signature or bound parameter is wrong
  kStoreUnavailable,      // the database cannot be reached right now: try again
  // Abuse (issue #15): a rate limit, a lockout, the pending-flow cap.
  kRateLimited,
  kLockedOut,
  kTooManyFlows,
  kProviderUnavailable,   // issue 15: provider busy past the queue deadline, or its circuit open
  kInternal,
};

struct CodeInfo {
  Code code;
  std::string_view id;          // stable, snake_case
  std::string_view wire_error;  // OAuth error code on the wire
  int http_status;
};

const CodeInfo& codeInfo(Code code);

struct GatewayError {
  Code code = Code::kInternal;
  std::string description;  // for people; never a secret
  // For kProviderDenied: the provider's RFC 6749 code passed through (else server_error).
  std::string wire_override;

  std::string_view id() const { return codeInfo(code).id; }
  std::string wireError() const;
  int status() const { return codeInfo(code).http_status; }
  // {"error", "error_description", "error_id"}
  Json toJson() const;
};

template <class T>
using GwResult = std::expected<T, GatewayError>;

inline std::unexpected<GatewayError> gwFail(Code code, std::string description) {
  return std::unexpected(GatewayError{code, std::move(description), {}});
}

inline GatewayError gwError(Code code, std::string description) {
  return GatewayError{code, std::move(description), {}};
}

// A store call failed (database unreachable, or a row it cannot open): 503, try again. What the
// store said is not shown.
inline GatewayError storeUnavailable() {
  return gwError(Code::kStoreUnavailable, "the gateway's database is unavailable; try again");
}

// True for the authorization-endpoint error codes of RFC 6749 §4.1.2.1.
bool isRfc6749AuthorizeError(std::string_view error);

}  // namespace linkgate::gateway
