// Standard Webhooks (https://www.standardwebhooks.com/, spec "Signature scheme"): the secret
// convention, the v1 signature and the retry schedule of the gateway's webhook deliveries.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/random.h"

namespace linkgate::gateway {

inline constexpr std::string_view kWebhookSecretPrefix = "whsec_";

// "whsec_" + base64 of 32 random bytes (the spec allows 24..64 bytes).
std::string newWebhookSecret(RandomSource& random);

// "v1," + base64(HMAC-SHA256(key, "{msg_id}.{timestamp}.{body}")), the key being the base64
// decoded secret after "whsec_". Fails "bad_secret" when the secret is not of that form.
Result<std::string> webhookSignature(std::string_view secret, std::string_view msg_id,
                                     int64_t timestamp_seconds, std::string_view body);

// Delay before attempt number attempts_done + 1, in ms: exponential (base * 2^(attempts_done-1),
// at most cap) with "equal jitter" — uniformly in [d/2, d] — so receivers that came back are
// not hit by every gateway at once. attempts_done >= 1.
int64_t webhookRetryDelayMs(int64_t attempts_done, int64_t base_ms, int64_t cap_ms,
                            RandomSource& random);

}  // namespace linkgate::gateway
