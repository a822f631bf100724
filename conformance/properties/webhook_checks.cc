// C-10: webhooks, observed from outside. The suite runs its own receiver on 127.0.0.1 (the
// gateway under test must be able to reach it) and checks every delivery's Standard Webhooks
// signature with its own HMAC-SHA256 (OpenSSL directly, not the gateway's code).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conformance/harness/check.h"
#include "conformance/harness/webhook_receiver.h"
#include "conformance/properties/support.h"
#include "core/json.h"

namespace linkgate::conformance {
namespace {

using namespace std::chrono_literals;
constexpr auto kDeliveryWait = 20s;  // a gateway polling its outbox every second has time
constexpr auto kRetryWait = 60s;     // the first retry of a failed delivery
const std::vector<std::string> kEvents = {"credential.created", "credential.updated",
                                          "credential.refresh_failed", "credential.deleted"};

std::optional<std::string> base64Decode(const std::string& text) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0 || text.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string base64Encode(const unsigned char* bytes, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes,
                                  static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

// "" when `hook` carries a valid v1 signature of its body under `secret` (whsec_...), else why.
std::string signatureProblem(const ReceivedHook& hook, const std::string& secret) {
  const auto header = [&](const char* name) {
    auto it = hook.headers.find(name);
    return it == hook.headers.end() ? std::string() : it->second;
  };
  const std::string id = header("webhook-id"), ts = header("webhook-timestamp"),
                    sigs = header("webhook-signature");
  if (id.empty() || ts.empty() || sigs.empty()) return "a webhook-id/-timestamp/-signature is missing";
  if (ts.find_first_not_of("0123456789") != std::string::npos) return "webhook-timestamp " + ts;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (std::llabs(now - std::stoll(ts)) > 300) return "webhook-timestamp is not now: " + ts;
  if (!secret.starts_with("whsec_")) return "the secret is not whsec_...";
  auto key = base64Decode(secret.substr(6));
  if (!key || key->empty()) return "the secret is not whsec_ + base64";
  const std::string signed_text = id + "." + ts + "." + hook.body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac,
       &mac_len);
  const std::string expected = "v1," + base64Encode(mac, mac_len);
  size_t at = 0;
  while (at < sigs.size()) {  // space-separated list; one valid entry suffices
    size_t end = sigs.find(' ', at);
    if (end == std::string::npos) end = sigs.size();
    if (sigs.substr(at, end - at) == expected) return "";
    at = end + 1;
  }
  return "no signature in '" + printable(sigs, 120) + "' is the HMAC-SHA256 of id.timestamp.body";
}

Json bodyOf(const ReceivedHook& hook) {
  auto j = parseJson(hook.body);
  return j && j->is_object() ? *j : Json::object();
}

// Deliveries of event `type` about credential `id`.
std::vector<ReceivedHook> about(const std::vector<ReceivedHook>& all, const std::string& type,
                                const std::string& id) {
  std::vector<ReceivedHook> out;
  for (const auto& h : all) {
    const Json b = bodyOf(h);
    if (jsonString(b, "type").value_or("") == type &&
        jsonString(b, "data.credential_id").value_or("") == id) {
      out.push_back(h);
    }
  }
  return out;
}

// A webhook on the receiver for `events`, deleted when the check ends.
class Subscription {
 public:
  Subscription(CheckContext& c, WebhookReceiver& receiver, const std::vector<std::string>& events)
      : c_(c) {
    const HttpResponse r = api(c, "POST", "/v1/webhooks",
                               Json{{"url", receiver.url("/hook/" + randomUuid())},
                                    {"events", events}});
    EXPECT_EQ(r.status, 201) << "POST /v1/webhooks: " << printable(r.body, 300);
    const Json body = must(parseJsonObject(r.body), "webhook");
    id = jsonString(body, "id").value_or("");
    secret = jsonString(body, "secret").value_or("");
  }
  ~Subscription() {
    if (!id.empty()) (void)api(c_, "DELETE", "/v1/webhooks/" + id);
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  std::string id, secret;

 private:
  CheckContext& c_;
};

std::unique_ptr<WebhookReceiver> receiver() {
  return must(WebhookReceiver::start(), "the suite's webhook receiver on 127.0.0.1");
}

// A credential made by import (no provider involved), with an end user.
std::string imported(CheckContext& c, const App& app, const std::string& end_user,
                     const std::string& token) {
  const HttpResponse r =
      api(c, "POST", "/v1/credentials",
          Json{{"oauth_app_id", app.id},
               {"end_user_id", end_user},
               {"properties", {{"access_token", token}, {"refresh_token", token + "-refresh"}}}});
  EXPECT_EQ(r.status, 201) << "import: " << printable(r.body, 300);
  return jsonString(must(parseJsonObject(r.body), "import"), "id").value_or("");
}

TEST(Webhooks, Manage) {
  runCheck({"webhooks.manage", "", ""}, [](CheckContext& c) {
    auto rx = receiver();
    std::optional<Subscription> hook(std::in_place, c, *rx, kEvents);
    ASSERT_TRUE(hook->secret.starts_with("whsec_")) << "the create answer shows the secret";
    const std::string key = hook->secret.substr(6);
    const HttpResponse one = api(c, "GET", "/v1/webhooks/" + hook->id);
    EXPECT_EQ(one.status, 200) << printable(one.body, 300);
    const HttpResponse list = api(c, "GET", "/v1/webhooks");
    EXPECT_EQ(list.status, 200) << printable(list.body, 300);
    EXPECT_NE(list.body.find(hook->id), std::string::npos) << "the webhook is not listed";
    for (const HttpResponse* r : {&one, &list}) {
      EXPECT_EQ(r->body.find(key), std::string::npos) << "a later answer shows the secret (C-10.6)";
    }
    const std::string url = rx->url("/hook/bad");
    const std::vector<std::pair<std::string, Json>> bad = {
        {"an ftp URL", {{"url", "ftp://127.0.0.1/x"}, {"events", kEvents}}},
        {"a relative URL", {{"url", "/x"}, {"events", kEvents}}},
        {"userinfo", {{"url", "http://u:p@127.0.0.1/x"}, {"events", kEvents}}},
        {"a fragment", {{"url", url + "#f"}, {"events", kEvents}}},
        {"no events", {{"url", url}, {"events", Json::array()}}},
        {"an unknown event", {{"url", url}, {"events", Json::array({"credential.exploded"})}}},
        {"a repeated event", {{"url", url}, {"events", Json::array({"credential.created", "credential.created"})}}},
        {"an empty event", {{"url", url}, {"events", Json::array({""})}}},
        {"an unknown field", {{"url", url}, {"events", kEvents}, {"colour", "red"}}},
        {"no url", {{"events", kEvents}}}};
    for (const auto& [what, body] : bad) {
      expectJsonError(api(c, "POST", "/v1/webhooks", body), {400}, "webhook with " + what);
    }
    EXPECT_EQ(api(c, "GET", "/v1/webhooks").body.find("/hook/bad"), std::string::npos)
        << "a refused webhook was stored (C-10.7)";
    const std::string id = hook->id;
    hook.reset();  // DELETE
    expectJsonError(api(c, "GET", "/v1/webhooks/" + id), {404}, "a deleted webhook");
  });
}

TEST(Webhooks, SignedEvents) {
  runCheck({"webhooks.signed_events", "", ""}, [](CheckContext& c) {
    auto rx = receiver();
    Subscription hook(c, *rx, kEvents);
    ASSERT_FALSE(hook.id.empty());
    const App app = primaryApp(c);
    const std::string token = "c10-access-" + randomUuid();
    const std::string id = imported(c, app, "c10-end-user", token);
    ASSERT_FALSE(id.empty());
    const HttpResponse again =
        api(c, "POST", "/v1/credentials",
            Json{{"oauth_app_id", app.id}, {"id", id}, {"properties", {{"access_token", token}}}});
    EXPECT_EQ(again.status, 200) << "re-import: " << printable(again.body, 300);
    const HttpResponse gone = api(c, "DELETE", "/v1/credentials/" + id);
    EXPECT_TRUE(gone.status == 200 || gone.status == 204) << printable(gone.body, 300);
    for (const char* type : {"credential.created", "credential.updated", "credential.deleted"}) {
      const bool arrived = rx->waitFor(
          [&](const auto& all) { return !about(all, type, id).empty(); }, kDeliveryWait);
      ASSERT_TRUE(arrived) << type << " was not delivered to " << rx->url("/hook/...")
                           << " within " << kDeliveryWait.count() << " s";
      ReceivedHook h = about(rx->all(), type, id).front();
      EXPECT_EQ(h.method, "POST");
      EXPECT_NE(h.headers["content-type"].find("application/json"), std::string::npos)
          << type << ": content-type " << h.headers["content-type"];
      EXPECT_EQ(signatureProblem(h, hook.secret), "") << type;
      const Json b = bodyOf(h);
      EXPECT_EQ(jsonString(b, "data.provider").value_or(""), app.provider) << type;
      EXPECT_EQ(jsonString(b, "data.end_user_id").value_or(""), "c10-end-user") << type;
      EXPECT_TRUE(jsonAt(b, "data.health.status") != nullptr) << type << ": no health";
      EXPECT_EQ(h.body.find(token), std::string::npos) << type << " carries the token (C-10.4)";
      EXPECT_EQ(h.body.find(hook.secret.substr(6)), std::string::npos) << type << ": secret";
    }
  });
}

TEST(Webhooks, RefreshFailed) {
  runCheck({"webhooks.refresh_failed", "", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const Credential cred = linked(c, app);
    if (!cred.refresh_token) c.notRun(app.provider + " issued no refresh token");
    auto rx = receiver();
    Subscription hook(c, *rx, std::vector<std::string>{"credential.refresh_failed"});
    SimulatorGuard guard(w, app.provider);
    must(w.sim().addFault({app.provider, "refresh", "invalid_grant", std::nullopt, std::nullopt, 1}),
         "arm invalid_grant on refresh");
    (void)api(c, "POST", "/v1/credentials/" + cred.id + "/refresh", Json::object());
    const bool arrived = rx->waitFor(
        [&](const auto& all) { return !about(all, "credential.refresh_failed", cred.id).empty(); },
        kDeliveryWait);
    ASSERT_TRUE(arrived) << "no credential.refresh_failed after the provider said invalid_grant";
    const ReceivedHook h = about(rx->all(), "credential.refresh_failed", cred.id).front();
    EXPECT_EQ(signatureProblem(h, hook.secret), "");
    EXPECT_EQ(jsonString(bodyOf(h), "data.health.status").value_or(""), "error");
    EXPECT_EQ(h.body.find(*cred.refresh_token), std::string::npos) << "the payload has the token";
    EXPECT_EQ(rx->all().size(), 1u) << "only the subscribed event is delivered";
  });
}

TEST(Webhooks, RetryAndRedeliver) {
  runCheck({"webhooks.retry_redeliver", "", ""}, [](CheckContext& c) {
    auto rx = receiver();
    rx->script({503});  // the first attempt fails
    Subscription hook(c, *rx, std::vector<std::string>{"credential.created"});
    const std::string id = imported(c, primaryApp(c), "c10-retry", "c10-retry-" + randomUuid());
    const bool retried = rx->waitFor(
        [&](const auto& all) { return about(all, "credential.created", id).size() >= 2; },
        kRetryWait);
    ASSERT_TRUE(retried) << "a delivery answered 503 was not retried within "
                         << kRetryWait.count() << " s";
    auto got = about(rx->all(), "credential.created", id);
    EXPECT_EQ(got[0].answered, 503);
    EXPECT_EQ(got[1].answered, 200);
    EXPECT_EQ(got[0].headers["webhook-id"], got[1].headers["webhook-id"])
        << "a retry changed the webhook-id (C-10.8)";
    EXPECT_EQ(got[0].body, got[1].body) << "a retry changed the payload";
    const HttpResponse log = api(c, "GET", "/v1/webhooks/" + hook.id + "/deliveries");
    ASSERT_EQ(log.status, 200) << printable(log.body, 300);
    const Json deliveries = must(parseJsonObject(log.body), "deliveries");
    const Json* data = jsonAt(deliveries, "data");
    ASSERT_TRUE(data != nullptr && data->is_array() && !data->empty()) << printable(log.body, 300);
    const std::string delivery = jsonString((*data)[0], "id").value_or("");
    const HttpResponse re = api(c, "POST", "/v1/webhooks/" + hook.id + "/deliveries/" + delivery +
                                               "/redeliver", Json::object());
    EXPECT_TRUE(re.status == 201 || re.status == 202 || re.status == 200)
        << "redeliver: " << printable(re.body, 300);
    const bool again = rx->waitFor(
        [&](const auto& all) { return about(all, "credential.created", id).size() >= 3; },
        kDeliveryWait);
    ASSERT_TRUE(again) << "a redelivery did not arrive";
    got = about(rx->all(), "credential.created", id);
    EXPECT_EQ(got[2].headers["webhook-id"], got[0].headers["webhook-id"])
        << "a redelivery changed the webhook-id (C-10.8)";
    EXPECT_EQ(signatureProblem(got[2], hook.secret), "");
    expectJsonError(api(c, "POST", "/v1/webhooks/" + hook.id + "/deliveries/" + randomUuid() +
                                       "/redeliver", Json::object()),
                    {404}, "redelivering a delivery that does not exist");
  });
}

}  // namespace
}  // namespace linkgate::conformance
