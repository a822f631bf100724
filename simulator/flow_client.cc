// FlowClient: a dialect-aware OAuth client for the simulator's own tests.
#include "simulator/flow_client.h"

#include "simulator/client_store.h"

#include <algorithm>
#include <regex>

#include <gtest/gtest.h>

#include "core/crypto.h"
#include "core/json.h"
#include "core/params.h"
#include "core/percent.h"
#include "core/url.h"
#include "simulator/authorize_handler.h"
#include "simulator/endpoint_pattern.h"
#include "simulator/test_support.h"

namespace linkgate::sim::testing {
namespace {

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

// Dotted path of the string that is exactly "{name}" inside tmpl; "" when none.
std::string pathOf(const Json& node, const std::string& name, const std::string& path = "") {
  if (node.is_string() && node == "{" + name + "}") return path;
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      auto found = pathOf(value, name, path.empty() ? key : path + "." + key);
      if (!found.empty()) return found;
    }
  }
  return "";
}

}  // namespace

std::string endpointUrl(const std::string& base, const Profile& p, const std::string& url) {
  std::string filled = url;
  for (const auto& [name, spec] : p.params) filled = replaceAll(filled, "{" + name + "}", spec.example);
  return base + "/" + p.slug + "/" + filled.substr(std::string("https://").size());
}

FlowClient::FlowClient(const Profile& profile, std::string base, HttpClient& http)
    : p_(profile),
      base_(std::move(base)),
      http_(http),
      client_id_("client-" + profile.slug),
      secret_("secret-" + profile.slug + "-x/+="),
      redirect_uri_("http://127.0.0.1:8999/cb/" + profile.slug + "?from=sim") {}

std::string FlowClient::scopeRequest(std::vector<std::string>* scopes) const {
  const AuthorizeSpec& a = p_.authorize;
  scopes->clear();
  if (a.scope_separator == ScopeSeparator::kNone || a.scopes.empty()) {
    *scopes = a.default_scopes;
    return "";
  }
  for (size_t i = 0; i < a.scopes.size() && i < 2; ++i) scopes->push_back(a.scopes[i]);
  const IssuePolicy& issued = p_.refresh.issued;
  if (issued.kind == IssueKind::kScope &&
      std::find(a.scopes.begin(), a.scopes.end(), issued.scope) != a.scopes.end() &&
      std::find(scopes->begin(), scopes->end(), issued.scope) == scopes->end()) {
    scopes->push_back(issued.scope);
  }
  std::string text;
  for (const auto& s : *scopes) text += (text.empty() ? "" : std::string(separatorText(a.scope_separator))) + s;
  return text;
}

std::string FlowClient::authorizeUrl(const std::string& state, const std::string& challenge,
                                     bool with_pkce) const {
  const AuthorizeSpec& a = p_.authorize;
  Params q;
  q.add(a.client_id_param, a.application_id
                               ? deriveApplicationId(*a.application_id, p_.slug, client_id_)
                               : client_id_);
  if (!a.response_type.empty()) q.add("response_type", a.response_type);
  q.add("redirect_uri", redirect_uri_);
  q.add("state", state);
  std::vector<std::string> scopes;
  std::string scope = scopeRequest(&scopes);
  if (!scope.empty()) q.add("scope", scope);
  for (const auto& [name, value] : a.extra_params) q.add(name, value);
  if (p_.refresh.issued.kind == IssueKind::kAuthorizeParam) {
    for (const auto& [name, value] : p_.refresh.issued.authorize_param) {
      if (!q.has(name)) q.add(name, value);
    }
  }
  if (with_pkce && a.pkce != PkceMode::kNotSupported) {
    q.add("code_challenge", challenge);
    q.add("code_challenge_method", "S256");
  }
  return appendQuery(endpointUrl(base_, p_, p_.endpoints.authorize), q.toQuery());
}

std::optional<Authorized> FlowClient::authorize(bool with_pkce) {
  ++counter_;
  std::string state = "st " + std::to_string(counter_) + "&x=<y>";
  std::string verifier = "verifier-" + std::to_string(counter_) + std::string(45, 'v');
  std::string url = authorizeUrl(state, pkceS256Challenge(verifier), with_pkce);
  auto page = http_.send(HttpRequest{"GET", url, {}, ""});
  if (!page || page->status != 200) {
    ADD_FAILURE() << "authorize " << url << ": "
                  << (page ? std::to_string(page->status) + " " + page->body : page.error().message);
    return std::nullopt;
  }
  auto id = consentId(page->body);
  if (!id) {
    ADD_FAILURE() << "no consent id in " << page->body;
    return std::nullopt;
  }
  Params form{{"consent", *id}, {"user", p_.users.front().at("id")}, {"decision", "approve"}};
  auto answer = http_.send(HttpRequest{"POST", base_ + "/" + p_.slug + "/_consent",
                                       {{"Content-Type", "application/x-www-form-urlencoded"}},
                                       form.toForm()});
  if (!answer || answer->status != 302 || !answer->header("location")) {
    ADD_FAILURE() << "consent: " << (answer ? std::to_string(answer->status) + " " + answer->body : answer.error().message);
    return std::nullopt;
  }
  std::string location = *answer->header("location");
  EXPECT_TRUE(location.starts_with(redirect_uri_ + "&")) << location;
  auto parsed = Url::parse(location);
  auto query = parsed && parsed->query ? Params::parse(*parsed->query) : Result<Params>(Params{});
  if (!query) return std::nullopt;
  auto code = query->get(p_.authorize.code_param);
  if (!code) {
    ADD_FAILURE() << "no " << p_.authorize.code_param << " in " << location;
    return std::nullopt;
  }
  EXPECT_EQ(query->get("state"), state) << location;
  EXPECT_EQ(query->get("from"), "sim") << "the redirect URI's own query is kept: " << location;
  if (p_.authorize.send_iss) {
    std::string origin = endpointUrl("", p_, p_.endpoints.authorize).substr(p_.slug.size() + 2);
    std::string issuer = p_.authorize.issuer.value_or("https://" + origin.substr(0, origin.find('/')));
    // RFC 9207: an OIDC profile's callback names its discovery document's (mapped) issuer.
    if (p_.oidc) issuer = endpointUrl(base_, p_, p_.oidc->issuer);
    EXPECT_EQ(query->get("iss"), issuer) << location;
  } else {
    EXPECT_FALSE(query->has("iss")) << location;
  }
  for (const auto& [name, tmpl] : p_.authorize.callback_extras.items()) {
    EXPECT_TRUE(query->has(name)) << "callback extra " << name << " missing: " << location;
  }
  Authorized a;
  a.code = *code;
  bool sends_verifier = with_pkce && (p_.authorize.pkce == PkceMode::kRequired ||
                                      p_.authorize.pkce == PkceMode::kSupported);
  a.verifier = sends_verifier ? verifier : "";
  a.scope_text = scopeRequest(&a.scopes);
  a.location = location;
  return a;
}

HttpResponse FlowClient::tokenCall(const std::string& url,
                                   const std::map<std::string, std::string>& base_params,
                                   const std::vector<ClientAuth>& auths,
                                   const std::vector<Encoding>& encs,
                                   const std::vector<std::string>& methods, const Send& send) {
  std::map<std::string, std::string> params = base_params;
  for (const auto& [name, value] : send.overrides) {
    if (value) {
      params[name] = *value;
    } else {
      params.erase(name);
    }
  }
  ClientAuth auth = send.auth.value_or(auths.front());
  Encoding enc = send.encoding.value_or(encs.front());
  std::string method = send.method.value_or(methods.front());
  std::string secret = send.secret.value_or(secret_);
  HttpRequest req;
  req.method = method;
  std::string target = url;
  Params url_query;
  // both_auth: the chosen way plus Basic (or plus the body when the chosen way is Basic).
  if (auth == ClientAuth::kBasic || send.both_auth) {
    req.headers.emplace_back("Authorization", basicAuth(client_id_, secret));
  }
  if (auth == ClientAuth::kPost || (send.both_auth && auth == ClientAuth::kBasic)) {
    params[p_.token.client_id_param] = client_id_;
    params["client_secret"] = secret;
  }
  if (auth == ClientAuth::kQuery) {
    url_query.add(p_.token.client_id_param, client_id_);
    url_query.add("client_secret", secret);
  }
  Params body_params;
  for (const auto& [k, v] : params) body_params.add(k, v);
  switch (enc) {
    case Encoding::kForm:
      req.body = body_params.toForm();
      req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
      break;
    case Encoding::kJson: {
      Json j = Json::object();
      for (const auto& [k, v] : params) j[k] = v;
      req.body = dumpJson(j);
      req.headers.emplace_back("Content-Type", "application/json");
      break;
    }
    case Encoding::kQuery:
      for (const auto& item : body_params.items()) url_query.add(item.first, item.second);
      break;
  }
  req.url = appendQuery(target, url_query.toQuery());
  auto r = http_.send(req);
  if (!r) {
    ADD_FAILURE() << "token call " << req.url << ": " << r.error().message;
    return HttpResponse{};
  }
  return *r;
}

HttpResponse FlowClient::exchange(const Authorized& a, const Send& send) {
  std::map<std::string, std::string> params{{"grant_type", "authorization_code"},
                                            {"code", a.code},
                                            {"redirect_uri", redirect_uri_}};
  if (!a.verifier.empty()) params["code_verifier"] = a.verifier;
  for (const auto& [name, value] : p_.token.extra_params) params[name] = value == "*" ? "x" : value;
  return tokenCall(endpointUrl(base_, p_, p_.endpoints.token), params, p_.token.client_auth,
                   p_.token.encoding, p_.token.methods, send);
}

HttpResponse FlowClient::refresh(const std::string& token, const Send& send,
                                 const std::string& granted_scope) {
  const RefreshSpec& r = p_.refresh;
  std::map<std::string, std::string> params{{"grant_type", r.grant_type}, {r.token_param, token}};
  for (const auto& [name, value] : r.extra_params) {
    if (value != "*") {
      params[name] = value;
    } else if (name == "redirect_uri") {
      params[name] = redirect_uri_;
    } else if (name == "scope") {
      params[name] = granted_scope;
    } else {
      params[name] = "x";
    }
  }
  std::string url = endpointUrl(base_, p_, p_.endpoints.refresh.value_or(p_.endpoints.token));
  return tokenCall(url, params, r.client_auth, r.encoding, r.methods, send);
}

HttpResponse FlowClient::apiMe(const std::string& token, std::optional<TokenIn> how) {
  TokenIn in = how.value_or(p_.api.token_in);
  HttpRequest req;
  req.url = base_ + "/" + p_.slug + "/api/me";
  std::string name = p_.api.name.empty() ? "access_token" : p_.api.name;
  if (in == TokenIn::kHeader && p_.api.token_in != TokenIn::kHeader) name = "X-Access-Token";
  switch (in) {
    case TokenIn::kBearer: req.headers.emplace_back("Authorization", "Bearer " + token); break;
    case TokenIn::kHeader: req.headers.emplace_back(name, token); break;
    case TokenIn::kQuery: req.url += "?" + Params{{name, token}}.toQuery(); break;
  }
  auto r = http_.send(req);
  if (!r) {
    ADD_FAILURE() << "api/me: " << r.error().message;
    return HttpResponse{};
  }
  return *r;
}

HttpResponse FlowClient::resource(const ResourceSpec& r, const std::string& token,
                                  std::optional<ResourceTokenIn> how) {
  ResourceTokenIn in = how.value_or(r.token_in);
  HttpRequest req;
  req.url = endpointUrl(base_, p_, r.url);
  if (r.token_in == ResourceTokenIn::kPath) {
    std::string segment = in == ResourceTokenIn::kPath ? percentEncode(token) : "not-a-token";
    req.url = replaceAll(req.url, std::string(kTokenSegment), segment);
  }
  switch (in) {
    case ResourceTokenIn::kBearer: req.headers.emplace_back("Authorization", "Bearer " + token); break;
    case ResourceTokenIn::kHeader:
      if (r.token_in == ResourceTokenIn::kHeader) {
        req.headers.emplace_back(r.name, r.prefix + token);
      } else {
        req.headers.emplace_back("X-Access-Token", token);
      }
      break;
    case ResourceTokenIn::kPath: break;
  }
  auto answer = http_.send(req);
  if (!answer) {
    ADD_FAILURE() << r.url << ": " << answer.error().message;
    return HttpResponse{};
  }
  return *answer;
}

std::optional<std::string> FlowClient::valueAt(const HttpResponse& r, const Json& tmpl,
                                               const std::string& placeholder,
                                               ResponseFormat format) const {
  std::string path = pathOf(tmpl, placeholder);
  if (path.empty()) return std::nullopt;
  if (format == ResponseFormat::kJson) {
    auto doc = parseJson(r.body);
    if (!doc) return std::nullopt;
    const Json* v = jsonAt(*doc, path);
    if (!v || v->is_null()) return std::nullopt;
    return v->is_string() ? v->get<std::string>() : dumpJson(*v);
  }
  auto form = Params::parse(r.body);
  if (!form) return std::nullopt;
  return form->get(path);
}

std::optional<std::string> FlowClient::accessToken(const HttpResponse& r, bool refresh) const {
  const ResponseSpec& spec = refresh ? p_.refresh.response : p_.token.response;
  if (r.status != spec.status) return std::nullopt;
  return valueAt(r, spec.body, "access_token", spec.format);
}

std::optional<std::string> FlowClient::refreshToken(const HttpResponse& r, bool refresh) const {
  const ResponseSpec& spec = refresh ? p_.refresh.response : p_.token.response;
  if (r.status != spec.status) return std::nullopt;
  return valueAt(r, spec.body, "refresh_token", spec.format);
}

std::string FlowClient::rejectedAs(const HttpResponse& r, const std::string& rfc_error,
                                   bool refresh) const {
  const ErrorSpec& errors = refresh ? p_.refresh.errors : p_.token.errors;
  ResponseFormat format = refresh ? p_.refresh.response.format : p_.token.response.format;
  int expected = rfc_error == "invalid_client" ? errors.invalid_client_status : errors.status;
  if (errors.style == ErrorStyle::kHttp200) expected = 200;
  if (r.status != expected) {
    return "status " + std::to_string(r.status) + ", expected " + std::to_string(expected) +
           ": " + r.body;
  }
  if (accessToken(r, refresh)) return "the answer carries an access token: " + r.body;
  if (!pathOf(errors.body, "error").empty()) {
    auto it = errors.codes.find(rfc_error);
    std::string code = it == errors.codes.end() ? rfc_error : it->second;
    auto got = valueAt(r, errors.body, "error", format);
    if (got != code) return "error " + got.value_or("(none)") + ", expected " + code + ": " + r.body;
  }
  return "";
}

bool FlowClient::expectsRefreshToken() const {
  const IssuePolicy& issued = p_.refresh.issued;
  switch (issued.kind) {
    case IssueKind::kAlways: return true;
    case IssueKind::kNever: return false;
    case IssueKind::kScope:
      return p_.authorize.scope_separator != ScopeSeparator::kNone &&
             std::find(p_.authorize.scopes.begin(), p_.authorize.scopes.end(), issued.scope) !=
                 p_.authorize.scopes.end();
    case IssueKind::kAuthorizeParam: return true;
  }
  return false;
}

bool FlowClient::renewsByExchange() const {
  return p_.refresh.issued.kind == IssueKind::kNever && p_.refresh.grant_type != "refresh_token";
}

}  // namespace linkgate::sim::testing
