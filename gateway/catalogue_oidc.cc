// The catalogue's `oidc` block.
#include "gateway/catalogue_oidc.h"

#include "gateway/catalogue.h"

namespace linkgate::gateway {
namespace {

// A https URL whose {placeholders} all name declared params.
std::optional<std::string> badUrl(const std::string& url, const Dialect& d) {
  if (!url.starts_with("https://") || url.size() <= 8) return "must be an https URL";
  for (size_t at = url.find('{'); at != std::string::npos; at = url.find('{', at + 1)) {
    size_t end = url.find('}', at);
    if (end == std::string::npos || d.param(url.substr(at + 1, end - at - 1)) == nullptr) {
      return "placeholders must name declared params";
    }
  }
  return std::nullopt;
}

Result<TenantIssuer> parseTenantIssuer(const Json& j, const Dialect& d) {
  const std::string at = "oidc.tenant_issuer";
  if (!j.is_object()) return fail("bad_catalogue", at + ": must be an object");
  TenantIssuer t;
  for (const auto& [key, value] : j.items()) {
    if (key == "param" || key == "claim") {
      if (!value.is_string() || value.get<std::string>().empty()) {
        return fail("bad_catalogue", at + "." + key + ": must be a non-empty string");
      }
      (key == "param" ? t.param : t.claim) = value.get<std::string>();
    } else if (key == "values") {
      if (!value.is_array() || value.empty()) {
        return fail("bad_catalogue", at + ".values: must be a non-empty array of strings");
      }
      for (const auto& v : value) {
        if (!v.is_string() || v.get<std::string>().empty()) {
          return fail("bad_catalogue", at + ".values: must be a non-empty array of strings");
        }
        t.values.push_back(v.get<std::string>());
      }
    } else {
      return fail("bad_catalogue", at + "." + key + ": unknown field");
    }
  }
  if (t.param.empty() || t.claim.empty() || t.values.empty()) {
    return fail("bad_catalogue", at + ": param, values and claim are required");
  }
  if (d.param(t.param) == nullptr) {
    return fail("bad_catalogue", at + ".param: must name a declared connection param");
  }
  return t;
}

}  // namespace

Result<OidcDialect> parseOidcDialect(const Json& j, const Dialect& d) {
  if (!j.is_object()) return fail("bad_catalogue", "oidc: must be an object");
  OidcDialect o;
  for (const auto& [key, value] : j.items()) {
    const std::string field = "oidc." + key;
    if (key == "issuer" || key == "jwks_uri") {
      if (!value.is_string()) return fail("bad_catalogue", field + ": must be a string");
      std::string url = value.get<std::string>();
      if (auto why = badUrl(url, d)) return fail("bad_catalogue", field + ": " + *why);
      if (key == "issuer") o.issuer = url;
      else o.jwks_uri = url;
    } else if (key == "id_token") {
      if (!value.is_string() || (value != "always" && value != "openid_scope")) {
        return fail("bad_catalogue", field + ": must be \"openid_scope\" or \"always\"");
      }
      o.id_token_always = value == "always";
    } else if (key == "tenant_issuer") {
      auto t = parseTenantIssuer(value, d);
      if (!t) return std::unexpected(t.error());
      o.tenant_issuer = std::move(*t);
    } else if (key == "signing_alg") {
      if (!value.is_string() || (value != "RS256" && value != "HS256")) {
        return fail("bad_catalogue", field + ": must be \"RS256\" or \"HS256\"");
      }
      o.signing_alg = value.get<std::string>();
    } else if (key == "leeway_seconds") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > 600) {
        return fail("bad_catalogue", field + ": must be an integer 0..600");
      }
      o.leeway_seconds = value.get<int64_t>();
    } else {
      return fail("bad_catalogue", field + ": unknown field");
    }
  }
  if (o.issuer.empty()) return fail("bad_catalogue", "oidc.issuer: is required");
  if (o.signing_alg == "HS256" && o.jwks_uri) {
    return fail("bad_catalogue", "oidc.jwks_uri: an HS256 provider's key is the client secret");
  }
  if (o.issuer.ends_with("//")) return fail("bad_catalogue", "oidc.issuer: must not end with //");
  if (o.tenant_issuer &&
      o.issuer.find("{" + o.tenant_issuer->param + "}") == std::string::npos) {
    return fail("bad_catalogue", "oidc.tenant_issuer.param: the issuer does not use it");
  }
  return o;
}

}  // namespace linkgate::gateway
