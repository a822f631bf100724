// The `oidc` section of a profile.
#include "simulator/profile_oidc.h"

#include <algorithm>

#include "simulator/endpoint_pattern.h"
#include "simulator/profile_fields.h"

namespace linkgate::sim {
namespace {

using namespace profile_fields;

const EnumTable<IdTokenWhen> kWhen = {{"openid_scope", IdTokenWhen::kOpenidScope},
                                      {"always", IdTokenWhen::kAlways}};
const EnumTable<std::string> kAlgs = {{"RS256", "RS256"}, {"HS256", "HS256"}};
const EnumTable<std::string> kSubjectTypes = {{"public", "public"}, {"pairwise", "pairwise"}};

// Claims the simulator sets itself; a template may not override them.
const char* const kReserved[] = {"iss", "aud", "sub", "iat", "exp", "nonce", "at_hash",
                                 "auth_time"};

void checkUrl(const Obj& o, std::string_view key, const Profile& p) {
  auto url = o.optString(key);
  if (!url) return;
  auto compiled = EndpointPattern::compile(*url, p.params);
  if (!compiled) throw LoadError{o.field(key), compiled.error().message};
}

}  // namespace

void readOidcSection(const Json& j, Profile& p, const PlaceholderRules& claim_rules) {
  Obj o(j, "oidc",
        {"issuer", "jwks_uri", "userinfo", "id_token", "on_refresh", "signing_alg",
         "id_token_ttl_seconds", "auth_time", "sub", "subject_type", "claims", "tenant_issuer",
         "nonce_when_absent"});
  OidcSpec s;
  s.issuer = o.reqString("issuer");
  // A trailing / is part of some real issuers (DocuSign's https://account-d.docusign.com/); it
  // stays in `iss` and is dropped before /.well-known (OpenID Connect Discovery 1.0 §4.1).
  if (s.issuer.ends_with("//")) throw LoadError{o.field("issuer"), "must not end with //"};
  checkUrl(o, "issuer", p);
  s.jwks_uri = o.reqString("jwks_uri");
  checkUrl(o, "jwks_uri", p);
  s.userinfo = o.optString("userinfo");
  checkUrl(o, "userinfo", p);
  o.readEnum("id_token", kWhen, s.id_token);
  o.readBool("on_refresh", s.on_refresh);
  o.readEnum("signing_alg", kAlgs, s.signing_alg);
  o.readInt("id_token_ttl_seconds", 60, 86400, s.id_token_ttl_seconds);
  o.readBool("auth_time", s.auth_time);
  o.readNonEmptyString("sub", s.sub);
  checkTemplate(Json(s.sub), o.field("sub"), claim_rules);
  o.readEnum("subject_type", kSubjectTypes, s.subject_type);
  if (const Json* n = o.get("nonce_when_absent")) {
    if (!n->is_string()) throw LoadError{o.field("nonce_when_absent"), "must be a string"};
    s.nonce_when_absent = n->get<std::string>();
  }
  if (const Json* c = o.get("claims")) {
    if (!c->is_object()) throw LoadError{o.field("claims"), "must be an object"};
    for (const char* name : kReserved) {
      if (c->contains(name)) {
        throw LoadError{o.field("claims") + "." + name, "set by the simulator, not a template"};
      }
    }
    checkTemplate(*c, o.field("claims"), claim_rules);
    s.claims = *c;
  }
  if (const Json* t = o.get("tenant_issuer")) {
    Obj to(*t, o.field("tenant_issuer"), {"param", "values", "claim"});
    TenantIssuer ti;
    ti.param = to.reqString("param");
    if (!p.params.contains(ti.param) || s.issuer.find("{" + ti.param + "}") == std::string::npos) {
      throw LoadError{to.field("param"), "must be a connection param the issuer uses"};
    }
    ti.values = to.stringArray("values", true);
    if (ti.values.empty()) throw LoadError{to.field("values"), "required"};
    ti.claim = to.reqString("claim");
    if (!s.claims.contains(ti.claim)) {
      throw LoadError{to.field("claim"), "must be one of oidc.claims (the tenant claim)"};
    }
    s.tenant_issuer = std::move(ti);
  }
  if (s.id_token == IdTokenWhen::kOpenidScope) {
    const auto& scopes = p.authorize.scopes;
    if (std::find(scopes.begin(), scopes.end(), "openid") == scopes.end()) {
      throw LoadError{o.field("id_token"), "openid_scope, but openid is not in authorize.scopes"};
    }
  }
  p.oidc = std::move(s);
}

}  // namespace linkgate::sim
