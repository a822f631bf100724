// The webhook records the Store keeps (issue #13): endpoints, outbox events, deliveries.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace linkgate::gateway {

// An integrator's receiver: events of the listed types are POSTed to url, signed with secret
// (Standard Webhooks, "whsec_" + base64; stored sealed).
struct WebhookEndpoint {
  std::string id, account_id, url, secret;
  std::vector<std::string> events;
  int64_t created_at = 0;  // Unix seconds
};

// One event to put into the outbox with the change that caused it. payload is the exact JSON
// body receivers get (ids and health, never a token); id is its webhook-id.
struct WebhookEvent {
  std::string id, account_id, type, payload;
  int64_t created_at_ms = 0;
};

// One event on its way to one endpoint (the outbox row and its log). Times in Unix ms.
struct WebhookDelivery {
  std::string id, account_id, endpoint_id, event_id, event_type, payload;
  std::string status = "pending";  // pending | delivered | failed (gave up)
  int64_t attempts = 0;
  int64_t next_attempt_at = 0, last_attempt_at = 0, delivered_at = 0, created_at = 0;
  int64_t last_status_code = 0;  // 0: no HTTP answer
  std::string last_error;
};

// What one attempt came to (WebhookWorker -> Store::finishDelivery).
struct DeliveryOutcome {
  std::string status;  // delivered | pending (retry at next_attempt_at) | failed
  int64_t attempted_at = 0, next_attempt_at = 0, status_code = 0;
  std::string error;
};

}  // namespace linkgate::gateway
