// Dialect engine: request building and answer parsing for every catalogue dialect.
#include "gateway/dialect_engine.h"

#include <cmath>
#include <ctime>
#include <functional>
#include <tuple>

#include "core/base64.h"
#include "core/clock.h"
#include "core/percent.h"
#include "gateway/request_checks.h"

namespace linkgate::gateway {
namespace {

std::string appendQuery(std::string url, const std::string& query) {
  if (query.empty()) return url;
  const size_t q = url.find('?');
  if (q == std::string::npos) return url + "?" + query;
  if (q + 1 == url.size() || url.back() == '&') return url + query;
  return url + "&" + query;
}

std::string basicAuth(const std::string& id, const std::string& secret) {
  // RFC 6749 §2.3.1: form-encode id and secret before base64.
  return "Basic " + base64Encode(percentEncode(id, true) + ":" + percentEncode(secret, true));
}

Result<HttpRequest> buildTokenCall(const Dialect& dialect, const TokenRequestDialect& t,
                                   std::string url, Params params, const std::string& client_id,
                                   const std::string& client_secret) {
  HttpRequest req;
  req.method = t.method == TokenMethod::kGet ? "GET" : "POST";
  Params url_params;
  switch (t.client_auth) {
    case ClientAuth::kPost:
      params.add(t.client_id_param, client_id);
      params.add("client_secret", client_secret);
      break;
    case ClientAuth::kBasic:
      req.headers.emplace_back("Authorization", basicAuth(client_id, client_secret));
      break;
    case ClientAuth::kQuery:
      url_params.add(t.client_id_param, client_id);
      url_params.add("client_secret", client_secret);
      break;
    case ClientAuth::kNone: break;  // the token alone (Instagram's renewal, issue 13)
  }
  for (const auto& [name, value] : t.extra_params) params.add(name, value);
  if (t.encoding == Encoding::kQuery || t.method == TokenMethod::kGet) {
    for (const auto& [name, value] : params.items()) url_params.add(name, value);
  } else if (t.encoding == Encoding::kJson) {
    Json body = Json::object();
    for (const auto& [name, value] : params.items()) body[name] = value;
    req.body = dumpJson(body);
    req.headers.emplace_back("Content-Type", "application/json");
  } else {
    req.body = params.toForm();
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  }
  if (!t.accept.empty()) req.headers.emplace_back("Accept", t.accept);
  req.url = appendQuery(std::move(url), url_params.toQuery());
  (void)dialect;
  return req;
}

// Nesting depth of JSON text (brackets inside strings do not count), counted without parsing:
// a million-deep answer must not be parsed at all.
bool nestedDeeperThan(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// A JSON view of the body: JSON as is, a form body as an object of its first values.
Result<Json> bodyAsJson(const TokenResponseDialect& tr, const HttpResponse& response) {
  if (response.body.size() > kMaxAnswerBytes) {
    return fail("bad_provider_response", "token endpoint answered more than " +
                                             std::to_string(kMaxAnswerBytes) + " bytes");
  }
  if (nestedDeeperThan(response.body, kMaxJsonDepth)) {
    return fail("bad_provider_response", "token endpoint answered JSON nested deeper than " +
                                             std::to_string(kMaxJsonDepth) + " levels");
  }
  const auto type = response.header("content-type").value_or("");
  bool form = tr.format == ResponseFormat::kForm;
  if (type.find("json") != std::string::npos) form = false;
  if (type.find("x-www-form-urlencoded") != std::string::npos) form = true;
  if (!form) {
    auto json = parseJson(response.body);
    if (json && json->is_object()) return json;
    // Tolerate a form answer labelled otherwise (GitHub without Accept: application/json).
    if (response.body.empty() || response.body.find('=') == std::string::npos ||
        response.body.front() == '{') {
      return fail("bad_provider_response", "token endpoint answered HTTP " +
                                               std::to_string(response.status) +
                                               " with a body that is not a JSON object");
    }
  }
  auto params = Params::parse(response.body);
  if (!params) {
    return fail("bad_provider_response", "token endpoint answered HTTP " +
                                             std::to_string(response.status) +
                                             " with an unparsable form body");
  }
  Json out = Json::object();
  for (const auto& [name, value] : params->items()) {
    if (!out.contains(name)) out[name] = value;
  }
  return out;
}

std::optional<std::string> textAt(const Json& root, const std::string& path) {
  const Json* node = jsonAt(root, path);
  if (node == nullptr || node->is_null()) return std::nullopt;
  if (node->is_string()) return node->get<std::string>();
  if (node->is_number() || node->is_boolean()) return node->dump();
  if (node->is_object() && node->contains("message") && (*node)["message"].is_string()) {
    return (*node)["message"].get<std::string>();
  }
  return node->dump();
}

// A number of seconds: JSON integer/float or a decimal string.
std::optional<double> numberAt(const Json& root, const std::string& path) {
  const Json* node = jsonAt(root, path);
  if (node == nullptr) return std::nullopt;
  if (node->is_number()) return node->get<double>();
  if (node->is_string()) {
    const auto& s = node->get_ref<const std::string&>();
    if (s.empty() || s.size() > 20) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  }
  return std::nullopt;
}

// "2026-11-28T12:00:00Z" / "...+00:00" / with fractional seconds -> Unix seconds.
}  // namespace

std::string joinScopes(const std::vector<std::string>& scopes, char separator) {
  std::string out;
  for (const auto& s : scopes) {
    if (!out.empty()) out += separator;
    out += s;
  }
  return out;
}

std::vector<std::string> splitScopes(std::string_view text, ScopeSeparator separator) {
  std::string delimiters = " ";
  if (separator == ScopeSeparator::kComma || separator == ScopeSeparator::kNone) delimiters += ',';
  if (separator == ScopeSeparator::kPlus) delimiters += '+';
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (delimiters.find(c) != std::string::npos) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

Result<std::string> authorizationUrl(const Dialect& dialect, const ProviderUrls& urls,
                                     const AuthorizationInput& input) {
  auto base = urls.resolve(dialect, dialect.authorization_url, input.params);
  if (!base) return std::unexpected(base.error());
  const auto& az = dialect.authorization;
  Params q;
  if (az.send_client_id) q.add(az.client_id_param, input.client_id);
  if (!az.response_type.empty()) q.add("response_type", az.response_type);
  if (az.send_redirect_uri) q.add("redirect_uri", input.redirect_uri);
  if (az.scope_separator != ScopeSeparator::kNone && !input.scopes.empty()) {
    q.add("scope", joinScopes(input.scopes, separatorChar(az.scope_separator)));
  }
  q.add("state", input.state);
  if (sendsPkce(az.pkce) && input.code_challenge) {
    q.add("code_challenge", *input.code_challenge);
    q.add("code_challenge_method", "S256");
  }
  for (const auto& [name, value] : az.extra_params) q.add(name, value);
  return appendQuery(std::move(*base), q.toQuery());
}

Result<HttpRequest> tokenExchangeRequest(const Dialect& dialect, const ProviderUrls& urls,
                                         const TokenExchangeInput& input) {
  auto url = urls.resolve(dialect, dialect.token_url, input.params);
  if (!url) return std::unexpected(url.error());
  const auto& t = dialect.token_request;
  Params p;
  p.add("grant_type", t.grant_type);
  p.add("code", input.code);
  if (t.send_redirect_uri) p.add("redirect_uri", input.redirect_uri);
  if (input.code_verifier) p.add("code_verifier", *input.code_verifier);
  if (t.send_scope && !input.scopes.empty()) {
    p.add("scope", joinScopes(input.scopes, separatorChar(dialect.authorization.scope_separator)));
  }
  return buildTokenCall(dialect, t, std::move(*url), std::move(p), input.client_id,
                        input.client_secret);
}

Result<HttpRequest> refreshRequest(const Dialect& dialect, const ProviderUrls& urls,
                                   const RefreshInput& input) {
  auto url = urls.resolve(dialect, dialect.refresh_url.value_or(dialect.token_url), input.params);
  if (!url) return std::unexpected(url.error());
  const auto& t = dialect.refresh_request;
  Params p;
  p.add("grant_type", t.grant_type);
  p.add(t.token_param, input.refresh_token);
  if (t.send_redirect_uri) p.add("redirect_uri", input.redirect_uri);
  if (t.send_scope && !input.scopes.empty()) {
    p.add("scope", joinScopes(input.scopes, separatorChar(dialect.authorization.scope_separator)));
  }
  return buildTokenCall(dialect, t, std::move(*url), std::move(p), input.client_id,
                        input.client_secret);
}

// The first field of a token answer longer than its cap, described; nullopt when all fit.
static std::optional<std::string> overlongField(const Json& body, const TokenResponseDialect& tr) {
  auto check = [&](const std::string& name, const std::string& path,
                   size_t cap) -> std::optional<std::string> {
    const Json* v = jsonAt(body, path);
    if (v == nullptr || v->is_null()) return std::nullopt;
    const size_t size = v->is_string() ? v->get_ref<const std::string&>().size() : v->dump().size();
    if (size <= cap) return std::nullopt;
    return "token endpoint answered " + name + " of " + std::to_string(size) +
           " bytes (at most " + std::to_string(cap) + ")";
  };
  std::vector<std::tuple<std::string, std::string, size_t>> fields = {
      {"access_token", tr.access_token, kMaxTokenBytes},
      {"refresh_token", tr.refresh_token, kMaxTokenBytes},
      {"scope", tr.scope, kMaxTokenBytes},
      {"token_type", tr.token_type, kMaxTokenTypeBytes}};
  for (const auto& [field, path] : tr.extra_fields) fields.emplace_back(field, path, kMaxTokenBytes);
  for (const auto& [name, path, cap] : fields) {
    if (auto problem = check(name, path, cap)) return problem;
  }
  return std::nullopt;
}

Result<TokenSet> parseTokenResponse(const Dialect& dialect, const HttpResponse& response,
                                    TimePoint now, const std::vector<std::string>& requested) {
  return parseTokenAnswer(dialect, dialect.token_response, response, now, requested);
}

Result<TokenSet> parseRefreshResponse(const Dialect& dialect, const HttpResponse& response,
                                      TimePoint now, const std::vector<std::string>& requested) {
  return parseTokenAnswer(dialect, dialect.refreshResponse(), response, now, requested);
}

Result<TokenSet> parseTokenAnswer(const Dialect& dialect, const TokenResponseDialect& tr,
                                  const HttpResponse& response, TimePoint now,
                                  const std::vector<std::string>& requested) {
  const std::string status = "HTTP " + std::to_string(response.status);
  auto body = bodyAsJson(tr, response);
  if (!body) return std::unexpected(body.error());
  // Errors first: many providers answer them with HTTP 200 (SPEC §4).
  auto error = textAt(*body, tr.error);
  bool ok_false = false;
  if (tr.ok) {
    const Json* ok = jsonAt(*body, *tr.ok);
    ok_false = ok != nullptr && ok->is_boolean() && !ok->get<bool>();
  }
  const bool status_ok = std::find(tr.success_status.begin(), tr.success_status.end(),
                                   response.status) != tr.success_status.end();
  if ((error && !error->empty()) || ok_false || !status_ok) {
    std::string message = "provider token endpoint answered " + status;
    if (error && !error->empty()) message += " error=" + printableExcerpt(*error, 80);
    if (auto d = textAt(*body, tr.error_description); d && !d->empty()) {
      message += ": " + printableExcerpt(*d);
    }
    return fail("provider_error", message);
  }
  TokenSet set;
  auto access = jsonString(*body, tr.access_token);
  if (!access || access->empty()) {
    return fail("bad_provider_response",
                "provider token endpoint answered " + status + " without " + tr.access_token);
  }
  if (auto too_long = overlongField(*body, tr)) return fail("bad_provider_response", *too_long);
  set.access_token = std::move(*access);
  if (auto refresh = jsonString(*body, tr.refresh_token); refresh && !refresh->empty()) {
    set.refresh_token = std::move(*refresh);
  }
  if (auto type = jsonString(*body, tr.token_type); type && !type->empty()) {
    set.token_type = std::move(*type);
  }
  const int64_t now_s = unixSeconds(now);
  if (auto expires_in = numberAt(*body, tr.expires_in)) {
    if (*expires_in > 0) set.expires_at = now_s + static_cast<int64_t>(*expires_in);
  } else if (tr.expires_at) {
    if (auto at = numberAt(*body, *tr.expires_at)) {
      int64_t v = static_cast<int64_t>(*at);
      if (v > 100'000'000'000) v /= 1000;  // milliseconds
      if (v > 0) set.expires_at = v;
    } else if (auto text = jsonString(*body, *tr.expires_at)) {
      set.expires_at = parseRfc3339(*text);
    }
  }
  const Json* scope = jsonAt(*body, tr.scope);
  if (scope != nullptr && scope->is_string()) {
    set.scopes = splitScopes(scope->get<std::string>(),
                             tr.scope_separator.value_or(dialect.authorization.scope_separator));
  } else if (scope != nullptr && scope->is_array()) {
    for (const auto& s : *scope) {
      if (s.is_string()) set.scopes.push_back(s.get<std::string>());
    }
  } else {
    set.scopes = requested;  // RFC 6749 §5.1: omitted scope = as requested
  }
  for (const auto& [field, path] : tr.extra_fields) {
    const Json* v = jsonAt(*body, path);
    if (v != nullptr && !v->is_null()) set.extra_fields[field] = *v;
  }
  return set;
}

std::optional<std::string> providerErrorCode(const TokenResponseDialect& tr,
                                             const HttpResponse& response) {
  auto body = bodyAsJson(tr, response);
  if (!body) return std::nullopt;
  auto error = textAt(*body, tr.error);
  if (!error || error->empty()) return std::nullopt;
  return printableExcerpt(*error, 80);
}

std::optional<ProviderErrorText> providerErrorText(const TokenResponseDialect& tr,
                                                   const HttpResponse& response) {
  auto body = bodyAsJson(tr, response);
  if (!body) return std::nullopt;
  ProviderErrorText said{textAt(*body, tr.error).value_or(""),
                         textAt(*body, tr.error_description).value_or("")};
  if (said.error.empty() && said.description.empty()) return std::nullopt;
  return said;
}

Result<HttpRequest> discoveryRequest(const Dialect& dialect, const ProviderUrls& urls,
                                     const DiscoveryCall& call, const std::string& access_token,
                                     const ConnectionValues& params) {
  constexpr std::string_view kTokenSegment = "{access_token}";
  const bool in_path = call.token_in == DiscoveryTokenIn::kPath;
  auto url = urls.resolve(
      dialect, in_path ? call.url.substr(0, call.url.size() - kTokenSegment.size()) : call.url,
      params);
  if (!url) return std::unexpected(url.error());
  HttpRequest req;
  req.method = "GET";
  req.url = in_path ? *url + percentEncode(access_token) : *url;
  req.headers.emplace_back("Accept", "application/json");
  if (call.token_in == DiscoveryTokenIn::kBearer) {
    req.headers.emplace_back("Authorization", "Bearer " + access_token);
  } else if (call.token_in == DiscoveryTokenIn::kHeader) {
    req.headers.emplace_back(call.header_name, call.header_prefix + access_token);
  }
  return req;
}

// jsonAt plus one selector segment: "[name=value]" is the first element of an array whose
// member `name` is `value` (a string's text, or true / false / a number as JSON writes it), so a
// provider's documented choice among several accounts is data (DocuSign
// "accounts.[is_default=true].account_id"; Xero "[authEventId={access_token.authentication_
// event_id}].tenantId", the value a claim of the access token: `claim` looks it up).
using ClaimLookup = std::function<std::optional<std::string>(const std::string&)>;
static const Json* selectAt(const Json& root, std::string_view path, const ClaimLookup& claim) {
  const Json* at = &root;
  while (at != nullptr && !path.empty()) {
    const size_t dot = path.find('.', path.starts_with('[') ? path.find(']') : 0);
    const std::string_view segment = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (segment.size() > 2 && segment.front() == '[' && segment.back() == ']') {
      const std::string_view rule = segment.substr(1, segment.size() - 2);
      const size_t eq = rule.find('=');
      if (!at->is_array() || eq == std::string_view::npos) return nullptr;
      const std::string name(rule.substr(0, eq));
      std::string want(rule.substr(eq + 1));
      constexpr std::string_view kClaim = "{access_token.";
      if (want.starts_with(kClaim) && want.ends_with('}')) {
        auto value = claim(want.substr(kClaim.size(), want.size() - kClaim.size() - 1));
        if (!value) return nullptr;
        want = *value;
      }
      const Json* chosen = nullptr;
      for (const auto& item : *at) {
        auto it = item.is_object() ? item.find(name) : item.end();
        if (it == item.end()) continue;
        if (it->is_string() ? it->get_ref<const std::string&>() == want : it->dump() == want) {
          chosen = &item;
          break;
        }
      }
      at = chosen;
    } else {
      at = jsonAt(*at, segment);
    }
  }
  return at;
}

std::optional<std::string> unverifiedJwtClaim(const std::string& jwt, const std::string& name) {
  const size_t first = jwt.find('.');
  const size_t second = first == std::string::npos ? first : jwt.find('.', first + 1);
  if (second == std::string::npos || jwt.size() > kMaxTokenBytes) return std::nullopt;
  auto payload = base64UrlDecode(std::string_view(jwt).substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  auto claims = parseJsonObject(*payload);
  if (!claims) return std::nullopt;
  auto it = claims->find(name);
  if (it == claims->end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return std::nullopt;
}

Result<Json> discoveryFields(const DiscoveryCall& call, const HttpResponse& response,
                             const std::string& access_token) {
  if (response.status != 200) {
    return fail("bad_provider_response", "answered HTTP " + std::to_string(response.status));
  }
  if (response.body.size() > kMaxAnswerBytes || nestedDeeperThan(response.body, kMaxJsonDepth)) {
    return fail("bad_provider_response", "the answer is too large or nested too deep");
  }
  auto body = parseJson(response.body);
  if (!body) return fail("bad_provider_response", "the answer is not JSON");
  Json out = Json::object();
  std::string missing_claim;
  const ClaimLookup claim = [&](const std::string& name) {
    auto value = unverifiedJwtClaim(access_token, name);
    if (!value) missing_claim = name;
    return value;
  };
  for (const auto& [name, path] : call.extra_fields) {
    // "[*].KEY" / "a.[*].KEY": KEY of every element, a list (Atlassian: every site the grant
    // covers), at most kMaxListed of them.
    constexpr size_t kMaxListed = 100;
    if (const size_t star = path.find("[*]"); star != std::string::npos) {
      const Json* list = star == 0 ? &*body : selectAt(*body, path.substr(0, star - 1), claim);
      const std::string rest = star + 3 < path.size() ? path.substr(star + 4) : "";
      if (list == nullptr || !list->is_array() || list->empty()) {
        return fail("bad_provider_response", "the answer has no " + path);
      }
      Json all = Json::array();
      for (const auto& item : *list) {
        const Json* v = rest.empty() ? &item : selectAt(item, rest, claim);
        if (v == nullptr || !(v->is_string() || v->is_number()) ||
            (v->is_string() && v->get_ref<const std::string&>().size() > kMaxTokenBytes)) {
          return fail("bad_provider_response", "an entry of the answer has no usable " + rest);
        }
        if (all.size() == kMaxListed) break;
        all.push_back(*v);
      }
      out[name] = std::move(all);
      continue;
    }
    const Json* value = selectAt(*body, path, claim);
    if (!missing_claim.empty()) {
      return fail("bad_provider_response", "cannot choose by " + path +
                                               ": the access token carries no " + missing_claim +
                                               " claim");
    }
    if (value == nullptr || !(value->is_string() || value->is_number()) ||
        (value->is_string() && value->get_ref<const std::string&>().empty())) {
      return fail("bad_provider_response", "the answer has no " + path);
    }
    if (value->is_string() && value->get_ref<const std::string&>().size() > kMaxTokenBytes) {
      return fail("bad_provider_response", "the answer's " + path + " is longer than " +
                                               std::to_string(kMaxTokenBytes) + " bytes");
    }
    out[name] = *value;
  }
  return out;
}

Json callbackExtraFields(const Dialect& dialect, const Params& callback_query) {
  Json out = Json::object();
  for (const auto& name : dialect.authorization.callback_extra_fields) {
    if (auto v = callback_query.get(name)) out[name] = *v;
  }
  return out;
}

}  // namespace linkgate::gateway
