// Reading a token-endpoint request the strict way: method, body encoding, duplicate
// parameters and the way the client authenticates (RFC 6749 §2.3.1, §3.2).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/params.h"
#include "simulator/grant_store.h"
#include "simulator/profile.h"
#include "web/http.h"

namespace linkgate::sim {

struct EndpointRules {
  const std::vector<ClientAuth>& client_auth;
  const std::vector<Encoding>& encoding;
  const std::vector<std::string>& methods;
  const std::string& client_id_param;
  // What the real provider accepts beyond the documented form; nullptr in --strict-docs mode.
  const TokenTolerance* tolerance = nullptr;
  bool strict_docs = false;  // only to say so in refusals
};

struct TokenRequest {
  Encoding encoding = Encoding::kForm;
  Params params;              // the grant parameters (body, or query for encoding query)
  std::string client_id;
  std::string client_secret;  // verified by the caller against the client store
  // HTTP Basic: the secret as sent, when it differs from the RFC 6749 §2.3.1 form-decoded one
  // (a client that did not form-encode it). The caller decides whether that is accepted.
  std::optional<std::string> unencoded_secret;
  bool secret_decodes = true;  // false: only unencoded_secret can match
};

struct TokenRequestError {
  Rejection rejection;
  std::optional<int> status;  // 405 for a wrong method
};

// Parses and checks request against rules. Fails invalid_request (method, content type,
// encoding, malformed or repeated parameters) or invalid_client (no, several or a
// non-accepted way of authenticating).
std::variant<TokenRequest, TokenRequestError> parseTokenRequest(const web::Request& request,
                                                                const EndpointRules& rules);

// Best-effort value of a parameter in the body (form or JSON) or query; for routing only.
std::optional<std::string> peekParam(const web::Request& request, std::string_view name);

}  // namespace linkgate::sim
