// Token request parsing.
#include "simulator/token_request.h"

#include <algorithm>

#include "core/ascii.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/percent.h"
#include "simulator/profile_tolerance.h"

namespace linkgate::sim {
namespace {

std::string mediaType(const web::Request& request) {
  std::string ct = lowerAscii(request.header("content-type").value_or(""));
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  return ct;
}

TokenRequestError invalidRequest(std::string description) {
  return TokenRequestError{Rejection{"invalid_request", std::move(description)}, std::nullopt};
}
TokenRequestError invalidClient(std::string description) {
  return TokenRequestError{Rejection{"invalid_client", std::move(description)}, std::nullopt};
}

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// JSON object of scalars → Params; nullopt on nesting.
std::optional<Params> jsonParams(const Json& body) {
  Params out;
  for (const auto& [key, value] : body.items()) {
    if (value.is_string()) {
      out.add(key, value.get<std::string>());
    } else if (value.is_number()) {
      out.add(key, dumpJson(value));
    } else {
      return std::nullopt;
    }
  }
  return out;
}

struct Basic {
  std::string id;
  std::optional<std::string> secret;  // nullopt: the raw secret does not form-decode
  std::string raw_id, raw_secret;     // before form-decoding
};

// RFC 6749 §2.3.1: id and secret are form-encoded before base64.
std::optional<Basic> parseBasic(std::string_view header) {
  if (header.size() < 6 || lowerAscii(header.substr(0, 6)) != "basic ") return std::nullopt;
  auto decoded = base64Decode(header.substr(6));
  if (!decoded) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string raw_id = decoded->substr(0, colon), raw_secret = decoded->substr(colon + 1);
  // A raw secret with a lone '%' does not form-decode; it can still be compared as sent.
  auto id = percentDecode(raw_id, true);
  auto secret = percentDecode(raw_secret, true);
  std::optional<std::string> plain;
  if (secret) plain = *secret;
  return Basic{id.value_or(raw_id), plain, raw_id, raw_secret};
}

}  // namespace

std::variant<TokenRequest, TokenRequestError> parseTokenRequest(const web::Request& request,
                                                                const EndpointRules& rules) {
  // What the documented form allows, plus what the real provider is known to accept.
  const TokenTolerance none;
  const TokenTolerance& profile_tol = rules.tolerance ? *rules.tolerance : none;
  const TokenTolerance& tol = rules.strict_docs ? none : profile_tol;
  auto allowed = [](const auto& documented, const auto& tolerated, const auto& value) {
    return contains(documented, value) || contains(tolerated.accept, value);
  };
  if (!allowed(rules.methods, tol.methods, request.method)) {
    auto e = invalidRequest(ruleRefusal("token request method " + request.method,
                                        "not allowed here",
                                        contains(profile_tol.methods.accept, request.method),
                                        rules.strict_docs));
    e.status = 405;
    return e;
  }
  auto url_query = Params::parse(request.raw_query);
  if (!url_query) return invalidRequest("malformed query string");
  if (auto dup = url_query->firstDuplicate()) return invalidRequest("repeated parameter " + *dup);

  TokenRequest out;
  std::string type = mediaType(request);
  if (request.body.empty()) {
    out.encoding = Encoding::kQuery;
    out.params = *url_query;
  } else if (type == "application/x-www-form-urlencoded") {
    out.encoding = Encoding::kForm;
    auto form = Params::parse(request.body);
    if (!form) return invalidRequest("malformed form body");
    out.params = std::move(*form);
  } else if (type == "application/json") {
    out.encoding = Encoding::kJson;
    auto json = parseJsonObject(request.body);
    if (!json) return invalidRequest("malformed JSON body");
    auto params = jsonParams(*json);
    if (!params) return invalidRequest("JSON body values must be strings or numbers");
    out.params = std::move(*params);
  } else {
    return invalidRequest("unsupported content type \"" + type + "\"");
  }
  if (!allowed(rules.encoding, tol.encoding, out.encoding)) {
    return invalidRequest(ruleRefusal(
        "token request encoding " + std::string(wireName(out.encoding)),
        "parameters sent as " + std::string(wireName(out.encoding)) + " are not accepted here",
        contains(profile_tol.encoding.accept, out.encoding), rules.strict_docs));
  }
  if (auto dup = out.params.firstDuplicate()) return invalidRequest("repeated parameter " + *dup);

  // Where the secret is: HTTP Basic, the request parameters, or (with a body) the URL query.
  std::vector<ClientAuth> ways;
  std::optional<Basic> basic;
  if (auto authz = request.header("authorization")) {
    basic = parseBasic(*authz);
    if (!basic) return invalidClient("malformed Authorization header");
    ways.push_back(ClientAuth::kBasic);
  }
  bool secret_in_params = out.params.has("client_secret");
  bool secret_in_url = out.encoding != Encoding::kQuery && url_query->has("client_secret");
  if (secret_in_params) ways.push_back(out.encoding == Encoding::kQuery ? ClientAuth::kQuery : ClientAuth::kPost);
  if (secret_in_url) ways.push_back(ClientAuth::kQuery);
  if (ways.empty()) return invalidClient("no client authentication");
  // The same credentials in Basic and in the body (node-oauth's body plus a custom
  // Authorization header): accepted as Basic where the provider is known to.
  bool both = ways.size() == 2 && ways[0] == ClientAuth::kBasic && ways[1] == ClientAuth::kPost;
  if (both && tol.auth_both_ways.on && basic &&
      (out.params.get("client_secret") == basic->secret ||
       out.params.get("client_secret") == basic->raw_secret)) {
    ways.pop_back();
  }
  if (ways.size() > 1) {
    return invalidClient(ruleRefusal("client authentication",
                                     "more than one client authentication method (RFC 6749 §2.3)",
                                     both && profile_tol.auth_both_ways.on, rules.strict_docs));
  }
  ClientAuth way = ways.front();
  bool accepted = allowed(rules.client_auth, tol.client_auth, way);
  // With every parameter in the query, credentials among them are also "in the body".
  if (!accepted && secret_in_params && out.encoding == Encoding::kQuery) {
    accepted = allowed(rules.client_auth, tol.client_auth, ClientAuth::kPost);
  }
  if (!accepted) {
    return invalidClient(ruleRefusal("client authentication " + std::string(wireName(way)),
                                     "not accepted here",
                                     contains(profile_tol.client_auth.accept, way),
                                     rules.strict_docs));
  }
  if (way == ClientAuth::kBasic) {
    out.client_id = basic->id;
    out.client_secret = basic->secret.value_or("");
    out.secret_decodes = basic->secret.has_value();
    if (basic->raw_secret != basic->secret) out.unencoded_secret = basic->raw_secret;
    auto body_id = out.params.get(rules.client_id_param);
    if (body_id && *body_id != basic->id) return invalidClient("client ids differ");
  } else {
    const Params& source = secret_in_url ? *url_query : out.params;
    auto id = source.get(rules.client_id_param);
    if (!id) return invalidClient(rules.client_id_param + " is required");
    out.client_id = *id;
    out.client_secret = *source.get("client_secret");
  }
  return out;
}

std::optional<std::string> peekParam(const web::Request& request, std::string_view name) {
  if (!request.body.empty()) {
    std::string type = mediaType(request);
    if (type == "application/json") {
      auto json = parseJsonObject(request.body);
      if (json) return jsonString(*json, std::string(name));
    } else if (auto form = Params::parse(request.body)) {
      if (auto v = form->get(name)) return v;
    }
  }
  if (auto query = Params::parse(request.raw_query)) return query->get(name);
  return std::nullopt;
}

}  // namespace linkgate::sim
