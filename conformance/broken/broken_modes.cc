// broken_proxy's modes and shared rewriting helpers (see broken_modes.h).
#include "conformance/broken/broken_modes.h"

#include <cctype>

#include "core/base64.h"
#include "core/params.h"

namespace linkgate::broken {

std::optional<Mode> parseMode(const std::string& name) {
  static const std::map<std::string, Mode> kModes = {
      {"alter-state", Mode::kAlterState},       {"trailing-slash", Mode::kTrailingSlash},
      {"double-redeem", Mode::kDoubleRedeem},   {"drop-iss", Mode::kDropIss},
      {"prefix-match", Mode::kPrefixMatch},     {"provider-in-host", Mode::kProviderInHost},
      {"truncate-state", Mode::kTruncateState}, {"long-code-ttl", Mode::kLongCodeTtl},
      {"no-store", Mode::kNoStore},             {"cookie-no-httponly", Mode::kCookieNoHttpOnly},
      {"no-auth", Mode::kNoAuth},               {"no-page-headers", Mode::kNoPageHeaders},
      {"unmasked-secret", Mode::kUnmaskedSecret}, {"keep-deleted-uri", Mode::kKeepDeletedUri},
      {"keep-deleted-credential", Mode::kKeepDeletedCredential},
      {"keep-deleted-start-link", Mode::kKeepDeletedStartLink},
      {"no-metrics", Mode::kNoMetrics},         {"health-always-ok", Mode::kHealthAlwaysOk},
      {"drop-id-token", Mode::kDropIdToken},
      {"ignore-end-user-filter", Mode::kIgnoreEndUserFilter},
      {"unmasked-webhook-secret", Mode::kUnmaskedWebhookSecret},
      {"bad-webhook-signature", Mode::kBadWebhookSignature},
      {"stale-instance-cache", Mode::kStaleInstanceCache},
      {"raw-error-description", Mode::kRawErrorDescription},
      {"renamed-routes", Mode::kRenamedRoutes}};
  auto it = kModes.find(name);
  return it == kModes.end() ? std::nullopt : std::optional<Mode>(it->second);
}

bool skippedHeader(const std::string& name) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return n == "host" || n == "content-length" || n == "connection" || n == "transfer-encoding" ||
         n == "keep-alive" || n == "expect";
}


// Every "id_token" and "id_token_claims" member, at any depth, removed from a JSON answer (an
// answer that is not JSON is left as it is).
namespace {

void dropIdTokens(Json& j) {
  if (j.is_object()) {
    j.erase("id_token");
    j.erase("id_token_claims");
  }
  if (j.is_structured()) {
    for (auto& child : j) dropIdTokens(child);
  }
}

}  // namespace

// Every object whose "id" is a key of `secrets` gets that secret as its "secret" member.
void revealSecrets(Json& j, const std::map<std::string, std::string>& secrets) {
  if (j.is_object()) {
    if (auto id = j.find("id"); id != j.end() && id->is_string()) {
      if (auto it = secrets.find(id->get<std::string>()); it != secrets.end()) {
        j["secret"] = it->second;
      }
    }
  }
  if (j.is_structured()) {
    for (auto& child : j) revealSecrets(child, secrets);
  }
}

std::string withoutIdTokens(const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded()) return body;
  dropIdTokens(j);
  return j.dump();
}

// mode bad-webhook-signature: deliveries go from the gateway straight to the integrator's
// receiver, so the proxy breaks the key instead: the create answer shows a well-formed whsec_
// secret derived from a fixed string, and every delivery, signed with the real secret, carries
// a signature that this secret does not verify.
std::string withWrongWebhookSecret(const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.value("secret", Json()).is_string()) return body;
  j["secret"] = "whsec_" + base64Encode("broken_proxy: a fixed key, not the webhook's");
  return j.dump();
}

std::string lowerAscii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The decoded value of query parameter `name` in `target`.
std::optional<std::string> queryValue(const std::string& target, const std::string& name) {
  const size_t q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  auto params = Params::parse(target.substr(q + 1));
  return params ? params->get(name) : std::nullopt;
}

// Renamed management routes (mode renamed-routes), this gateway's name first.
const std::vector<std::pair<std::string, std::string>> kRenamed = {
    {"/api/apps", "/v1/oauth-apps"},        {"/api/callback-urls", "/v1/redirect-uris"},
    {"/api/connections/link", "/v1/credentials/start-auth"},
    {"/api/link-sessions", "/v1/start-links"},
    {"/api/connections", "/v1/credentials"}, {"/api/catalogue", "/v1/providers"}};

std::string modeNames() {
  return "MODE: alter-state trailing-slash double-redeem drop-iss prefix-match\n"
         "      provider-in-host truncate-state long-code-ttl no-store cookie-no-httponly\n"
         "      no-auth no-page-headers unmasked-secret keep-deleted-uri\n"
         "      keep-deleted-credential keep-deleted-start-link no-metrics\n"
         "      health-always-ok drop-id-token ignore-end-user-filter\n"
         "      unmasked-webhook-secret bad-webhook-signature stale-instance-cache\n"
         "      raw-error-description renamed-routes\n";
}

}  // namespace linkgate::broken
