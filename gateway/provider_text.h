// Text a provider sent (an error code, an error_description, a token endpoint's message) on
// its way into the integrator's redirect and the debug page: printable ASCII only, length-capped,
// and with every secret the gateway holds for the flow redacted (a provider that echoes the
// client secret, the code or the verifier must not leak it). Issue 15 item 4.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace linkgate::gateway {

constexpr size_t kMaxProviderTextBytes = 200;
constexpr std::string_view kRedacted = "[redacted]";

// The secrets of one flow. Values shorter than 4 bytes are ignored (they would redact ordinary
// words and protect nothing).
class FlowSecrets {
 public:
  void add(std::string_view secret);
  // The client secret, and the HTTP Basic credentials built from it (RFC 6749 §2.3.1: both
  // halves form-encoded, then base64; and the plain base64 some providers use).
  void addClient(std::string_view client_id, std::string_view client_secret);
  const std::vector<std::string>& all() const { return secrets_; }

 private:
  std::vector<std::string> secrets_;
};

// Redacts every occurrence of each secret, raw or percent-encoded (as it would appear inside a
// URL or form echoed back), then keeps printable ASCII (others become '?'), then cuts to
// max_bytes with "..." appended when cut.
std::string sanitiseProviderText(std::string_view text, const FlowSecrets& secrets,
                                 size_t max_bytes = kMaxProviderTextBytes);

}  // namespace linkgate::gateway
