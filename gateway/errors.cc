// The one table of gateway error codes.
#include "gateway/errors.h"

#include <array>

namespace linkgate::gateway {
namespace {

constexpr std::array kTable = {
    CodeInfo{Code::kInvalidRequest, "invalid_request", "invalid_request", 400},
    CodeInfo{Code::kDuplicateParameter, "duplicate_parameter", "invalid_request", 400},
    CodeInfo{Code::kMissingParameter, "missing_parameter", "invalid_request", 400},
    CodeInfo{Code::kInvalidUuid, "invalid_uuid", "invalid_request", 400},
    CodeInfo{Code::kUnknownApp, "unknown_oauth_app", "invalid_request", 400},
    CodeInfo{Code::kRedirectUriMismatch, "redirect_uri_not_registered", "invalid_request", 400},
    CodeInfo{Code::kBadConnectionParam, "bad_connection_param", "invalid_request", 400},
    CodeInfo{Code::kUnsupportedPkce, "unsupported_pkce_method", "invalid_request", 400},
    CodeInfo{Code::kInvalidScope, "invalid_scope", "invalid_scope", 400},
    CodeInfo{Code::kUnknownProvider, "unknown_provider", "invalid_request", 400},
    CodeInfo{Code::kUnknownFlow, "unknown_flow", "invalid_request", 400},
    CodeInfo{Code::kFlowCookieMismatch, "flow_cookie_mismatch", "invalid_request", 400},
    CodeInfo{Code::kProviderMismatch, "provider_mismatch", "invalid_request", 400},
    CodeInfo{Code::kIssMismatch, "iss_mismatch", "invalid_request", 400},
    CodeInfo{Code::kProviderDenied, "provider_error", "server_error", 400},
    CodeInfo{Code::kProviderExchangeFailed, "provider_exchange_failed", "server_error", 502},
    CodeInfo{Code::kInvalidClient, "invalid_client", "invalid_client", 401},
    CodeInfo{Code::kInvalidGrant, "invalid_grant", "invalid_grant", 400},
    CodeInfo{Code::kUnsupportedGrantType, "unsupported_grant_type", "unsupported_grant_type", 400},
    CodeInfo{Code::kUnauthorized, "unauthorized", "unauthorized", 401},
    CodeInfo{Code::kNotFound, "not_found", "not_found", 404},
    CodeInfo{Code::kMethodNotAllowed, "method_not_allowed", "method_not_allowed", 405},
    CodeInfo{Code::kPayloadTooLarge, "payload_too_large", "invalid_request", 413},
    CodeInfo{Code::kUnsupportedMediaType, "unsupported_media_type", "invalid_request", 400},
    CodeInfo{Code::kBadJson, "bad_json", "invalid_request", 400},
    CodeInfo{Code::kInvalidRedirectUri, "invalid_redirect_uri", "invalid_request", 400},
    CodeInfo{Code::kConflict, "conflict", "conflict", 409},
    CodeInfo{Code::kStartLinkInvalid, "start_link_invalid", "invalid_request", 400},
    CodeInfo{Code::kCredentialExpired, "credential_expired", "invalid_grant", 400},
    CodeInfo{Code::kCallbackSignature, "callback_signature_invalid", "invalid_request", 400},
    CodeInfo{Code::kStoreUnavailable, "store_unavailable", "temporarily_unavailable", 503},
    CodeInfo{Code::kRateLimited, "rate_limited", "rate_limited", 429},
    CodeInfo{Code::kLockedOut, "locked_out", "locked_out", 429},
    CodeInfo{Code::kTooManyFlows, "too_many_pending_flows", "temporarily_unavailable", 429},
    CodeInfo{Code::kProviderUnavailable, "provider_unavailable", "temporarily_unavailable", 503},
    CodeInfo{Code::kInternal, "internal_error", "server_error", 500},
};

}  // namespace

const CodeInfo& codeInfo(Code code) {
  for (const auto& info : kTable) {
    if (info.code == code) return info;
  }
  return kTable.back();
}

std::string GatewayError::wireError() const {
  if (!wire_override.empty()) return wire_override;
  return std::string(codeInfo(code).wire_error);
}

Json GatewayError::toJson() const {
  return Json{{"error", wireError()}, {"error_description", description}, {"error_id", id()}};
}

bool isRfc6749AuthorizeError(std::string_view error) {
  static constexpr std::array<std::string_view, 7> kCodes = {
      "invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type",
      "invalid_scope",   "server_error",        "temporarily_unavailable"};
  for (auto c : kCodes) {
    if (c == error) return true;
  }
  return false;
}

}  // namespace linkgate::gateway
