// /v1/webhooks (issue #13): receivers of credential events, their delivery logs, redelivery.
// The secret is shown once, in the answer to POST; later answers mask it.
//
// SSRF stance: only an authenticated integrator (API key) registers a receiver; the URL must be
// absolute http or https with a host, no userinfo and no fragment; loopback and private
// addresses are allowed (tests and single-box setups use them). What bounds the risk: the
// gateway sends only the signed event (ids and health), never follows a redirect, has a total
// timeout, and neither keeps nor shows the receiver's answer beyond its status code (a blind
// request, no read-back). Operators who must keep the gateway off internal networks restrict
// its egress (docs/DEPLOYMENT.md).
#include <algorithm>

#include "core/params.h"
#include "core/url.h"
#include "gateway/api_handlers.h"
#include "gateway/api_json.h"
#include "gateway/pages.h"
#include "gateway/request_checks.h"
#include "gateway/webhook_events.h"
#include "gateway/webhook_signing.h"

namespace linkgate::gateway {
namespace {

constexpr size_t kMaxUrlBytes = 2048;
constexpr size_t kMaxWebhooksPerAccount = 50;

GwResult<std::string> receiverUrl(const Json& body) {
  auto it = body.find("url");
  if (it == body.end() || it->is_null()) return gwFail(Code::kMissingParameter, "url is required");
  if (!it->is_string()) return gwFail(Code::kInvalidRequest, "url must be a string");
  const std::string text = it->get<std::string>();
  if (text.size() > kMaxUrlBytes) {
    return gwFail(Code::kInvalidRequest, "url must be at most 2048 bytes");
  }
  auto url = Url::parseAbsolute(text);
  if (!url) return gwFail(Code::kInvalidRequest, "url must be an absolute http(s) URL");
  const std::string scheme = lowerAscii(url->scheme);
  if (scheme != "http" && scheme != "https") {
    return gwFail(Code::kInvalidRequest, "url must use http or https");
  }
  if (url->userinfo) return gwFail(Code::kInvalidRequest, "url must not carry user:password@");
  if (url->fragment) return gwFail(Code::kInvalidRequest, "url must not have a #fragment");
  if (url->port && url->port->empty()) return gwFail(Code::kInvalidRequest, "url has an empty port");
  return text;
}

GwResult<std::vector<std::string>> eventsField(const Json& body) {
  auto it = body.find("events");
  if (it == body.end() || it->is_null()) {
    return gwFail(Code::kMissingParameter, "events is required (an array of event types)");
  }
  if (!it->is_array() || it->empty()) {
    return gwFail(Code::kInvalidRequest, "events must be a non-empty array of event types");
  }
  const auto& known = webhookEventTypes();
  std::vector<std::string> out;
  for (const auto& e : *it) {
    if (!e.is_string() || std::find(known.begin(), known.end(), e.get<std::string>()) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return gwFail(Code::kInvalidRequest, "unknown event type; known: " + list);
    }
    if (std::find(out.begin(), out.end(), e.get<std::string>()) != out.end()) {
      return gwFail(Code::kInvalidRequest, "events must not repeat a type");
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

Json webhookJson(const WebhookEndpoint& e, bool show_secret) {
  return Json{{"id", e.id},
              {"url", e.url},
              {"events", e.events},
              {"secret", show_secret ? e.secret : std::string(kSecretMask)},
              {"created_at", rfc3339(e.created_at)}};
}

std::string rfc3339Ms(int64_t ms) { return rfc3339(ms / 1000); }

Json deliveryJson(const WebhookDelivery& d) {
  Json j = {{"id", d.id},
            {"webhook_id", d.endpoint_id},
            {"event_id", d.event_id},
            {"event_type", d.event_type},
            {"status", d.status},
            {"attempts", d.attempts},
            {"created_at", rfc3339Ms(d.created_at)},
            {"last_attempt_at", d.last_attempt_at ? Json(rfc3339Ms(d.last_attempt_at)) : Json()},
            {"last_status_code", d.last_status_code ? Json(d.last_status_code) : Json()},
            {"last_error", d.last_error.empty() ? Json() : Json(d.last_error)},
            {"delivered_at", d.delivered_at ? Json(rfc3339Ms(d.delivered_at)) : Json()},
            {"next_attempt_at",
             d.status == "pending" ? Json(rfc3339Ms(d.next_attempt_at)) : Json()}};
  auto payload = parseJson(d.payload);
  if (payload) j["payload"] = *payload;
  return j;
}

web::Response notFound(const std::string& what) {
  return jsonError(gwError(Code::kNotFound, what + " not found"));
}

}  // namespace

web::Response ApiHandlers::createWebhook(const web::Request& request, const std::string& account) {
  auto body = readJsonBody(request);
  if (!body) return jsonError(body.error());
  for (const auto& [name, value] : body->items()) {
    if (name != "url" && name != "events") {
      return jsonError(gwError(Code::kInvalidRequest, "unknown field '" + name + "'"));
    }
  }
  auto url = receiverUrl(*body);
  if (!url) return jsonError(url.error());
  auto events = eventsField(*body);
  if (!events) return jsonError(events.error());
  auto existing = s_.store.listWebhooks(account);
  if (!existing) return storageError();
  if (existing->size() >= kMaxWebhooksPerAccount) {
    return jsonError(gwError(Code::kConflict, "at most 50 webhooks per account"));
  }
  WebhookEndpoint e;
  e.id = newUuid(s_.random);
  e.account_id = account;
  e.url = *url;
  e.events = *events;
  e.secret = newWebhookSecret(s_.random);
  e.created_at = s_.now();
  if (auto ok = s_.store.insertWebhook(e); !ok) return storageError();
  return jsonOk(201, webhookJson(e, true));
}

web::Response ApiHandlers::listWebhooks(const std::string& account) {
  auto all = s_.store.listWebhooks(account);
  if (!all) return storageError();
  Json data = Json::array();
  for (const auto& e : *all) data.push_back(webhookJson(e, false));
  return jsonOk(200, Json{{"data", data}});
}

web::Response ApiHandlers::getWebhook(const std::string& account, const std::string& id) {
  if (!isUuid(id)) return jsonError(gwError(Code::kInvalidUuid, "the id must be a UUID"));
  auto e = s_.store.findWebhook(account, lowerAscii(id));
  if (!e) return storageError();
  if (!*e) return notFound("webhook");
  return jsonOk(200, webhookJson(**e, false));
}

web::Response ApiHandlers::deleteWebhook(const std::string& account, const std::string& id) {
  if (!isUuid(id)) return jsonError(gwError(Code::kInvalidUuid, "the id must be a UUID"));
  auto deleted = s_.store.deleteWebhook(account, lowerAscii(id));
  if (!deleted) return storageError();
  if (!*deleted) return notFound("webhook");
  return noContent();
}

web::Response ApiHandlers::listDeliveries(const web::Request& request, const std::string& account,
                                          const std::string& id) {
  if (!isUuid(id)) return jsonError(gwError(Code::kInvalidUuid, "the id must be a UUID"));
  int64_t limit = 100;
  auto params = Params::parse(request.raw_query);
  if (!params) return jsonError(gwError(Code::kInvalidRequest, "malformed query"));
  if (auto l = params->get("limit")) {
    if (l->empty() || l->size() > 3 || !std::all_of(l->begin(), l->end(), ::isdigit) ||
        std::stoi(*l) < 1 || std::stoi(*l) > 500) {
      return jsonError(gwError(Code::kInvalidRequest, "limit must be 1..500"));
    }
    limit = std::stoi(*l);
  }
  auto e = s_.store.findWebhook(account, lowerAscii(id));
  if (!e) return storageError();
  if (!*e) return notFound("webhook");
  auto all = s_.store.listDeliveries(account, (*e)->id, limit);
  if (!all) return storageError();
  Json data = Json::array();
  for (const auto& d : *all) data.push_back(deliveryJson(d));
  return jsonOk(200, Json{{"data", data}});
}

web::Response ApiHandlers::redeliver(const std::string& account, const std::string& id,
                                     const std::string& delivery_id) {
  if (!isUuid(id) || !isUuid(delivery_id)) {
    return jsonError(gwError(Code::kInvalidUuid, "the ids must be UUIDs"));
  }
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             s_.clock.now().time_since_epoch())
                             .count();
  auto fresh = s_.store.redeliver(account, lowerAscii(id), lowerAscii(delivery_id),
                                  newUuid(s_.random), now_ms);
  if (!fresh) return storageError();
  if (!*fresh) return notFound("delivery");
  return jsonOk(202, deliveryJson(**fresh));
}

}  // namespace linkgate::gateway
