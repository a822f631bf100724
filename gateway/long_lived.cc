// Long-lived tokens: the upgrade request and answer, and the credential's long_lived property.
#include "gateway/long_lived.h"

#include <algorithm>

#include "core/params.h"

namespace linkgate::gateway {
namespace {

std::string nonEmptyString(const Json& properties, const char* name) {
  auto it = properties.find(name);
  if (it == properties.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

Result<HttpRequest> tokenUpgradeRequest(const Dialect& dialect, const ProviderUrls& urls,
                                        const std::string& access_token,
                                        const std::string& client_id,
                                        const std::string& client_secret,
                                        const ConnectionValues& params) {
  const TokenUpgrade& u = dialect.token_upgrade;
  auto url = urls.resolve(dialect, u.url, params);
  if (!url) return std::unexpected(url.error());
  Params p;
  for (const auto& [name, value] : u.params) {
    if (value == "{access_token}") p.add(name, access_token);
    else if (value == "{client_id}") p.add(name, client_id);
    else if (value == "{client_secret}") p.add(name, client_secret);
    else p.add(name, value);
  }
  HttpRequest req;
  if (u.method == TokenMethod::kGet) {
    req.method = "GET";
    req.url = *url + (url->find('?') == std::string::npos ? "?" : "&") + p.toQuery();
  } else {
    req.method = "POST";
    req.url = *url;
    req.body = p.toForm();
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  }
  req.headers.emplace_back("Accept", "application/json");
  return req;
}

Status applyTokenUpgrade(const Dialect& dialect, const HttpResponse& answer, TimePoint now,
                         TokenSet& tokens) {
  auto upgraded = parseTokenAnswer(dialect, dialect.token_upgrade.response, answer, now,
                                   tokens.scopes);
  if (!upgraded) return std::unexpected(upgraded.error());
  tokens.access_token = std::move(upgraded->access_token);
  tokens.expires_at = upgraded->expires_at;
  tokens.token_type = std::move(upgraded->token_type);
  for (const auto& [name, value] : upgraded->extra_fields.items()) tokens.extra_fields[name] = value;
  return {};
}

Json longLivedProperty(const Dialect& dialect, int64_t now) {
  const int64_t after = now + dialect.refresh.min_token_age_seconds;
  return Json{{"issued_at", formatRfc3339(TimePoint(std::chrono::seconds(now)))},
              {"renewable_after", formatRfc3339(TimePoint(std::chrono::seconds(after)))}};
}

bool renewable(const Json& properties) {
  if (!nonEmptyString(properties, "refresh_token").empty()) return true;
  auto it = properties.find("long_lived");
  return it != properties.end() && it->is_object() &&
         !nonEmptyString(properties, "access_token").empty();
}

std::string renewalToken(const Dialect& dialect, const Json& properties) {
  return nonEmptyString(properties, dialect.refresh.presents_access_token ? "access_token"
                                                                          : "refresh_token");
}

int64_t secondsUntilRenewable(const Dialect& dialect, const Json& properties, int64_t now) {
  if (dialect.refresh.min_token_age_seconds <= 0) return 0;
  auto it = properties.find("long_lived");
  if (it == properties.end() || !it->is_object()) return 0;
  auto issued = it->find("issued_at");
  if (issued == it->end() || !issued->is_string()) return 0;
  auto at = parseRfc3339(issued->get<std::string>());
  if (!at) return 0;
  return std::max<int64_t>(0, *at + dialect.refresh.min_token_age_seconds - now);
}

}  // namespace linkgate::gateway
