// The events the gateway tells integrators about (issue #13) and their payloads: ids and
// health, never a token or a secret. The payload follows the Standard Webhooks shape
// {"type", "timestamp", "data"}; its webhook-id is the event id.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "gateway/store.h"

namespace linkgate::gateway {

inline constexpr std::string_view kCredentialCreated = "credential.created";
inline constexpr std::string_view kCredentialUpdated = "credential.updated";  // re-link, import
// A refresh the provider refused for good (invalid_grant or its equivalent): health "error".
inline constexpr std::string_view kCredentialRefreshFailed = "credential.refresh_failed";
inline constexpr std::string_view kCredentialDeleted = "credential.deleted";

// Every event type an endpoint may subscribe to.
const std::vector<std::string>& webhookEventTypes();

// The event of type about credential c, now, with a fresh id (a UUID). Pass it to
// Store::saveCredentialEmitting / deleteCredentialEmitting with the change itself.
WebhookEvent credentialEvent(std::string_view type, const Credential& c, const Clock& clock,
                             RandomSource& random);

}  // namespace linkgate::gateway
