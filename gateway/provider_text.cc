// Provider text sanitising (see provider_text.h).
#include "gateway/provider_text.h"

#include <algorithm>

#include "core/base64.h"
#include "core/percent.h"

namespace linkgate::gateway {
namespace {

void redactAll(std::string& text, std::string_view secret) {
  if (secret.empty()) return;
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + kRedacted.size())) {
    text.replace(at, secret.size(), kRedacted);
  }
}

// "%2f" as well as "%2F": providers differ in the hex case they echo.
std::string lowerHex(std::string encoded) {
  for (size_t i = 0; i + 2 < encoded.size(); ++i) {
    if (encoded[i] != '%') continue;
    for (size_t j = i + 1; j <= i + 2; ++j) {
      if (encoded[j] >= 'A' && encoded[j] <= 'F') encoded[j] = static_cast<char>(encoded[j] + 32);
    }
  }
  return encoded;
}

}  // namespace

void FlowSecrets::add(std::string_view secret) {
  if (secret.size() < 4) return;
  secrets_.emplace_back(secret);
}

void FlowSecrets::addClient(std::string_view client_id, std::string_view client_secret) {
  if (client_secret.size() < 4) return;
  add(client_secret);
  add(base64Encode(std::string(client_id) + ":" + std::string(client_secret)));
  add(base64Encode(percentEncode(client_id, true) + ":" + percentEncode(client_secret, true)));
}

std::string sanitiseProviderText(std::string_view text, const FlowSecrets& secrets,
                                 size_t max_bytes) {
  std::string out(text);
  // Longest first, so a secret that contains another is redacted whole.
  std::vector<std::string> forms;
  for (const auto& s : secrets.all()) {
    forms.push_back(s);
    forms.push_back(percentEncode(s));
    forms.push_back(percentEncode(s, true));
    forms.push_back(lowerHex(percentEncode(s)));
  }
  std::sort(forms.begin(), forms.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& f : forms) redactAll(out, f);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) c = '?';
  }
  if (out.size() > max_bytes) {
    out.resize(max_bytes);
    out += "...";
  }
  return out;
}

}  // namespace linkgate::gateway
