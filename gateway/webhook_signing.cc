// Standard Webhooks signing and the retry schedule (see webhook_signing.h).
#include "gateway/webhook_signing.h"

#include <algorithm>

#include "core/base64.h"
#include "core/crypto.h"

namespace linkgate::gateway {

std::string newWebhookSecret(RandomSource& random) {
  return std::string(kWebhookSecretPrefix) + base64Encode(random.bytes(32));
}

Result<std::string> webhookSignature(std::string_view secret, std::string_view msg_id,
                                     int64_t timestamp_seconds, std::string_view body) {
  if (!secret.starts_with(kWebhookSecretPrefix)) {
    return fail("bad_secret", "a webhook secret starts with whsec_");
  }
  auto key = base64Decode(secret.substr(kWebhookSecretPrefix.size()));
  if (!key || key->empty()) return fail("bad_secret", "a webhook secret is whsec_ + base64");
  std::string content;
  content.reserve(msg_id.size() + body.size() + 24);
  content.append(msg_id).append(".").append(std::to_string(timestamp_seconds)).append(".");
  content.append(body);
  return "v1," + base64Encode(hmacSha256(*key, content));
}

int64_t webhookRetryDelayMs(int64_t attempts_done, int64_t base_ms, int64_t cap_ms,
                            RandomSource& random) {
  int64_t d = std::max<int64_t>(base_ms, 1);
  for (int64_t i = 1; i < attempts_done && d < cap_ms; ++i) d *= 2;
  d = std::min(d, cap_ms);
  uint8_t b[8];
  random.fill(b, sizeof b);
  uint64_t r = 0;
  for (uint8_t x : b) r = (r << 8) | x;
  const int64_t half = d / 2;
  return half + static_cast<int64_t>(r % static_cast<uint64_t>(d - half + 1));
}

}  // namespace linkgate::gateway
