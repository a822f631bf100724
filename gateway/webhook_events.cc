// Event payloads of the webhooks (see webhook_events.h).
#include "gateway/webhook_events.h"

#include "core/json.h"
#include "gateway/api_json.h"
#include "gateway/request_checks.h"

namespace linkgate::gateway {

const std::vector<std::string>& webhookEventTypes() {
  static const std::vector<std::string> types = {
      std::string(kCredentialCreated), std::string(kCredentialUpdated),
      std::string(kCredentialRefreshFailed), std::string(kCredentialDeleted)};
  return types;
}

WebhookEvent credentialEvent(std::string_view type, const Credential& c, const Clock& clock,
                             RandomSource& random) {
  WebhookEvent e;
  e.id = newUuid(random);
  e.account_id = c.account_id;
  e.type = std::string(type);
  e.created_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        clock.now().time_since_epoch())
                        .count();
  // Deliberately a list of safe fields, not credentialJson(): nothing sealed can slip in.
  Json data = {{"credential_id", c.id},
               {"app_id", c.app_id},
               {"provider", c.provider},
               {"end_user_id", c.end_user.id.empty() ? Json(nullptr) : Json(c.end_user.id)},
               {"health", {{"status", c.health_status}, {"detail", c.health_detail}}},
               {"created_at", rfc3339(c.created_at)},
               {"updated_at", rfc3339(c.updated_at)}};
  Json body = {{"type", e.type}, {"timestamp", formatRfc3339(clock.now())}, {"data", data}};
  e.payload = dumpJson(body);
  return e;
}

}  // namespace linkgate::gateway
