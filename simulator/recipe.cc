// Recipes: the profile read back as client configuration.
#include "simulator/recipe.h"

#include <algorithm>
#include <sstream>

#include "simulator/profile_tolerance.h"

namespace linkgate::sim {
namespace {

template <class T>
Json names(const std::vector<T>& values) {
  Json out = Json::array();
  for (const auto& v : values) out.push_back(std::string(wireName(v)));
  return out;
}

// The dotted path of the first string equal to `placeholder` in a TEMPLATE ("authed_user.access_token").
std::string pathOf(const Json& tmpl, const std::string& placeholder, const std::string& at = "") {
  if (tmpl.is_string()) return tmpl.get<std::string>() == placeholder ? at : "";
  if (tmpl.is_object()) {
    for (const auto& [key, value] : tmpl.items()) {
      std::string found = pathOf(value, placeholder, at.empty() ? key : at + "." + key);
      if (!found.empty()) return found;
    }
  }
  if (tmpl.is_array()) {
    for (size_t i = 0; i < tmpl.size(); ++i) {
      std::string found = pathOf(tmpl[i], placeholder, at + (at.empty() ? "" : ".") + std::to_string(i));
      if (!found.empty()) return found;
    }
  }
  return "";
}

std::string mapped(const std::string& base, const Profile& p, const std::string& url) {
  return base + "/" + p.slug + "/" + url.substr(url.find("://") + 3);
}

Json issuedJson(const IssuePolicy& i) {
  switch (i.kind) {
    case IssueKind::kScope: return Json{{"scope", i.scope}};
    case IssueKind::kAuthorizeParam: return Json{{"authorize_param", i.authorize_param}};
    default: return std::string(wireName(i.kind));
  }
}

std::string list(const Json& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v.get<std::string>();
  return out.empty() ? "—" : out;
}

std::string pairs(const StringMap& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ", ") + k + "=" + (v == "*" ? "(any)" : v);
  return out.empty() ? "—" : out;
}

}  // namespace

Json recipeJson(const Profile& p, const std::string& base) {
  const auto& a = p.authorize;
  const auto& t = p.token;
  const auto& r = p.refresh;
  Json params = Json::array();
  for (const auto& [name, spec] : p.params) {
    Json one{{"name", name}, {"pattern", spec.pattern}, {"example", spec.example}};
    if (spec.per_client) one["per_client"] = true;
    params.push_back(std::move(one));
  }
  Json urls{{"authorize", p.endpoints.authorize},
            {"token", p.endpoints.token},
            {"refresh", p.endpoints.refresh.value_or(p.endpoints.token)},
            {"simulator_authorize", mapped(base, p, p.endpoints.authorize)},
            {"simulator_token", mapped(base, p, p.endpoints.token)},
            {"simulator_refresh", mapped(base, p, p.endpoints.refresh.value_or(p.endpoints.token))},
            {"simulator_api_me", base + "/" + p.slug + "/api/me"},
            {"connection_params", params}};
  const bool basic = std::find(t.client_auth.begin(), t.client_auth.end(), ClientAuth::kBasic) !=
                     t.client_auth.end();
  Json client{{"client_auth", names(t.client_auth)},
              {"client_id_param", t.client_id_param},
              {"encoding", names(t.encoding)},
              {"methods", t.methods}};
  if (basic) {
    client["basic_credentials"] =
        t.tolerate.unencoded_basic.on
            ? "form-encode id and secret before base64 (RFC 6749 §2.3.1); sent as they are is "
              "accepted too (not with --strict-docs)"
            : "form-encode id and secret before base64 (RFC 6749 §2.3.1); unencoded ones with "
              "reserved characters are refused";
  }
  Json authorize{{"client_id_param", a.client_id_param},
                 {"response_type", a.response_type.empty() ? Json() : Json(a.response_type)},
                 {"redirect_uri", a.redirect_uri_optional ? "optional" : "required"},
                 {"scope_separator", std::string(wireName(a.scope_separator))},
                 {"scopes", a.scopes},
                 {"open_scope_patterns", a.open_scopes.patterns},
                 {"default_scopes", a.default_scopes},
                 {"scope_required", a.scope_required},
                 {"extra_params", a.extra_params},
                 {"pkce", std::string(wireName(a.pkce))},
                 {"code_param", a.code_param},
                 {"application_id", a.application_id ? Json(*a.application_id) : Json()}};
  Json token{{"extra_params", t.extra_params},
             {"redirect_uri", t.redirect_uri_ignored  ? "ignored"
                              : t.redirect_uri_required ? "required"
                                                        : "if_sent"},
             {"response_format", std::string(wireName(t.response.format))},
             {"access_token_at", pathOf(t.response.body, "{access_token}")},
             {"refresh_token_at", pathOf(t.response.body, "{refresh_token}")},
             {"expires_in", std::string(wireName(t.expires_in))},
             {"error_style", std::string(wireName(t.errors.style))}};
  Json refresh{{"issued", issuedJson(r.issued)},
               {"rotation", std::string(wireName(r.rotation))},
               {"grant_type", r.grant_type},
               {"token_param", r.token_param},
               {"extra_params", r.extra_params},
               {"client_auth", names(r.client_auth)},
               {"encoding", names(r.encoding)},
               {"access_token_at", pathOf(r.response.body, "{access_token}")},
               {"refresh_token_at", pathOf(r.response.body, "{refresh_token}")}};
  if (r.rotation == Rotation::kGrace) refresh["grace_seconds"] = r.grace_seconds;
  Json api{{"token_in", std::string(wireName(p.api.token_in))}};
  if (!p.api.name.empty()) api["name"] = p.api.name;
  return Json{{"slug", p.slug},
              {"display_name", p.display_name},
              {"urls", urls},
              {"client", client},
              {"authorize", authorize},
              {"token", token},
              {"refresh", refresh},
              {"api", api},
              {"tolerated", toleranceJson(p)},
              {"assumed", p.assumed},
              {"deviations", p.notes},
              {"sources", p.sources}};
}

std::string recipeMarkdown(const Profile& p, const std::string& base) {
  const Json j = recipeJson(p, base);
  const auto& u = j["urls"];
  const auto& c = j["client"];
  const auto& a = j["authorize"];
  const auto& t = j["token"];
  const auto& r = j["refresh"];
  std::ostringstream out;
  out << "## " << p.display_name << " (`" << p.slug << "`)\n\n"
      << "- Authorize: `" << u["authorize"].get<std::string>() << "` → `"
      << u["simulator_authorize"].get<std::string>() << "`\n"
      << "- Token: `" << u["token"].get<std::string>() << "` → `"
      << u["simulator_token"].get<std::string>() << "`\n";
  if (p.endpoints.refresh) out << "- Refresh: `" << u["simulator_refresh"].get<std::string>() << "`\n";
  out << "- Resource (identity): `" << u["simulator_api_me"].get<std::string>() << "`, token as "
      << j["api"]["token_in"].get<std::string>()
      << (p.api.name.empty() ? "" : " `" + p.api.name + "`") << "\n";
  for (const auto& [name, spec] : p.params) {
    out << "- Connection param `{" << name << "}`: `" << spec.pattern << "` (e.g. `" << spec.example
        << "`)"
        << (spec.per_client ? "; fixed per client: `POST /_sim/clients` takes it as `" + name +
                                  "`, else the example"
                            : "")
        << "\n";
  }
  out << "- Client authentication: " << list(c["client_auth"]) << " (client id as `"
      << p.token.client_id_param << "`)";
  if (c.contains("basic_credentials")) out << "; Basic: " << c["basic_credentials"].get<std::string>();
  out << "\n- Token request: " << list(c["methods"]) << ", body " << list(c["encoding"])
      << ", redirect_uri " << t["redirect_uri"].get<std::string>() << ", extra params "
      << pairs(p.token.extra_params) << "\n"
      << "- Authorization: client id as `" << p.authorize.client_id_param << "`"
      << (p.authorize.application_id ? " (the application id of POST /_sim/clients)" : "")
      << ", response_type " << (p.authorize.response_type.empty() ? "none" : p.authorize.response_type)
      << ", redirect_uri " << a["redirect_uri"].get<std::string>() << ", extra params "
      << pairs(p.authorize.extra_params) << ", code in `" << p.authorize.code_param << "`\n"
      << "- Scopes: " << a["scope_separator"].get<std::string>() << "-separated"
      << (p.authorize.scope_required ? ", required" : "") << "; defaults "
      << list(a["default_scopes"]) << "; " << p.authorize.scopes.size() << " known"
      << (p.authorize.open_scopes.patterns.empty() ? "" : " plus patterns " + list(a["open_scope_patterns"]))
      << "\n- PKCE: " << a["pkce"].get<std::string>() << "\n"
      << "- Answer: " << t["response_format"].get<std::string>() << ", access token at `"
      << t["access_token_at"].get<std::string>() << "`"
      << (t["refresh_token_at"].get<std::string>().empty()
              ? ""
              : ", refresh token at `" + t["refresh_token_at"].get<std::string>() + "`")
      << ", errors " << t["error_style"].get<std::string>() << "\n"
      << "- Refresh: issued " << r["issued"].dump() << ", rotation " << r["rotation"].get<std::string>()
      << ", grant_type `" << p.refresh.grant_type << "`, token as `" << p.refresh.token_param
      << "`, extra params " << pairs(p.refresh.extra_params) << "\n";
  for (const auto& [section, entries] : j["tolerated"].items()) {
    for (const auto& [what, entry] : entries.items()) {
      out << "- Tolerated (" << section << "." << what << ")"
          << (entry.contains("accept") ? ": " + list(entry["accept"]) : "") << " — "
          << entry["evidence"].get<std::string>() << "\n";
    }
  }
  if (!p.assumed.empty()) out << "- Assumed (unknown, RFC default): " << list(j["assumed"]) << "\n";
  if (!p.notes.empty()) out << "- Notes and known deviations: " << p.notes << "\n";
  out << "\n";
  return out.str();
}

std::string recipesMarkdown(const std::vector<Profile>& profiles) {
  std::string out =
      "# Simulator recipes\n\nHow to point an OAuth2 client at each simulated provider "
      "(base `{base}` = the simulator's `listening on` URL). Generated by `simulator --recipes` "
      "from fixtures/providers; the same as `GET /_sim/providers/{slug}`.\n\n";
  for (const auto& p : profiles) out += recipeMarkdown(p, "{base}");
  return out;
}

}  // namespace linkgate::sim
