// Coverage classification of profiles.
#include "simulator/coverage.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "simulator/endpoint_pattern.h"
#include "simulator/template.h"

namespace linkgate::sim {
namespace {

struct Dimension {
  const char* id;
  const char* name;
  std::vector<std::string> values;    // in display order
  std::set<std::string> required;
};

const std::vector<Dimension>& dimensions() {
  static const std::vector<Dimension> kDims = {
      {"D1", "host shape", {"fixed", "tenant", "region", "env", "version"}, {"fixed", "tenant", "region"}},
      {"D2", "client auth", {"client_secret_post", "client_secret_basic", "json_body", "client_secret_query"},
       {"client_secret_post", "client_secret_basic", "json_body", "client_secret_query"}},
      {"D3", "token encoding", {"form", "json", "query"}, {"form", "json", "query"}},
      {"D4", "token response", {"json", "form", "nested", "nonstandard"}, {"json", "form", "nested", "nonstandard"}},
      {"D5", "error style", {"rfc", "http200", "provider"}, {"rfc", "http200", "provider"}},
      {"D6", "scope separator", {"space", "comma", "plus", "none"}, {"space", "comma", "plus"}},
      {"D7", "PKCE", {"required", "supported", "not_supported", "accept_then_reject"},
       {"required", "supported", "not_supported", "accept_then_reject"}},
      {"D8", "refresh issued", {"always", "never", "scope", "authorize_param"}, {"always", "never"}},
      {"D9", "refresh rotation", {"none", "strict", "grace"}, {"none", "strict"}},
      {"D10", "expires_in", {"number", "string", "absent", "zero"}, {"number", "string", "absent", "zero"}},
      {"D11", "discovery call", {"bearer", "header", "path", "none"}, {"bearer", "header", "path"}},
      {"D12", "renamed params", {"client_id_param", "code_param", "response_type", "refresh_grant_type", "refresh_token_param"},
       {"client_id_param", "code_param"}},
      {"D13", "refresh URL", {"separate", "token_url"}, {"separate"}},
      {"D15", "authorize extras", {"extra_params", "none"}, {"extra_params"}},
      {"D16a", "callback extras", {"extras", "none"}, {"extras"}},
      {"D16b", "token-response extras", {"extras", "rfc_only"}, {"extras"}},
      {"D16c", "api token style", {"bearer", "header", "query"}, {"bearer", "header", "query"}},
      {"D17", "code lifetime", {"default_600s", "custom"}, {}},
  };
  return kDims;
}

// Classifies a host/path parameter by its name and pattern (PROVIDERS.md D1 vocabulary).
std::string paramShape(const std::string& name, const std::string& pattern) {
  auto has = [&](const char* s) { return name.find(s) != std::string::npos; };
  // A fixed list of hosts naming a sandbox / demo variant is an environment switch.
  bool fixed_list = pattern.find('[') == std::string::npos;
  if (fixed_list && (pattern.find("sandbox") != std::string::npos ||
                     pattern.find("demo") != std::string::npos)) {
    return "env";
  }
  if (has("region") || has("dc") || has("datacenter") || has("location") || has("tld") ||
      has("country")) {
    return "region";
  }
  if (has("env") || has("sandbox")) return "env";
  if (has("version")) return "version";
  return "tenant";
}

// Dotted path of the first string that is exactly `{name}`; "" when absent.
std::string placeholderPath(const Json& node, const std::string& name, const std::string& path) {
  if (node.is_string() && node == "{" + name + "}") return path.empty() ? "." : path;
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      auto found = placeholderPath(value, name, path.empty() ? key : path + "." + key);
      if (!found.empty()) return found;
    }
  }
  return "";
}

bool hasNonRfcFields(const Json& body) {
  static const std::set<std::string> kRfc = {"access_token", "token_type", "expires_in",
                                             "refresh_token", "scope"};
  if (!body.is_object()) return false;
  for (const auto& [key, value] : body.items()) {
    if (!kRfc.contains(key)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::pair<std::string, std::vector<std::string>>> profileDimensions(const Profile& p) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  auto add = [&](const char* id, std::vector<std::string> values) { out.emplace_back(id, values); };

  std::set<std::string> shapes;
  for (const auto* url : {&p.endpoints.authorize, &p.endpoints.token}) {
    if (auto names = templateNames(*url)) {
      for (const auto& n : *names) {
        auto it = p.params.find(n);
        shapes.insert(paramShape(n, it == p.params.end() ? "" : it->second.pattern));
      }
    }
  }
  if (shapes.empty()) shapes.insert("fixed");
  add("D1", {shapes.begin(), shapes.end()});

  std::vector<std::string> auth;
  bool json = std::find(p.token.encoding.begin(), p.token.encoding.end(), Encoding::kJson) !=
              p.token.encoding.end();
  for (ClientAuth a : p.token.client_auth) {
    auth.emplace_back(wireName(a));
    if (a == ClientAuth::kPost && json) auth.emplace_back("json_body");
  }
  add("D2", auth);
  std::vector<std::string> enc;
  for (Encoding e : p.token.encoding) enc.emplace_back(wireName(e));
  add("D3", enc);

  const Json& body = p.token.response.body;
  std::vector<std::string> shape = {p.token.response.format == ResponseFormat::kJson ? "json" : "form"};
  std::string at_path = placeholderPath(body, "access_token", "");
  if (at_path.find('.') != std::string::npos && at_path != ".") shape.emplace_back("nested");
  bool renamed = (at_path != "access_token" && at_path.find('.') == std::string::npos) ||
                 usesPlaceholder(body, "scope_array") || p.token.response.status != 200 ||
                 (usesPlaceholder(body, "expires_in") && placeholderPath(body, "expires_in", "") != "expires_in" &&
                  placeholderPath(body, "expires_in", "").find('.') == std::string::npos);
  if (renamed) shape.emplace_back("nonstandard");
  add("D4", shape);
  add("D5", {std::string(wireName(p.token.errors.style))});
  add("D6", {std::string(wireName(p.authorize.scope_separator))});
  add("D7", {std::string(wireName(p.authorize.pkce))});
  add("D8", {std::string(wireName(p.refresh.issued.kind))});
  add("D9", {std::string(wireName(p.refresh.rotation))});
  add("D10", {std::string(wireName(p.token.expires_in))});
  std::set<std::string> discovery;  // how the api.resources calls carry the token
  for (const auto& r : p.api.resources) discovery.emplace(wireName(r.token_in));
  if (discovery.empty()) discovery.emplace("none");
  add("D11", {discovery.begin(), discovery.end()});
  std::vector<std::string> names;
  if (p.authorize.client_id_param != "client_id" || p.token.client_id_param != "client_id") {
    names.emplace_back("client_id_param");
  }
  if (p.authorize.code_param != "code") names.emplace_back("code_param");
  if (p.authorize.response_type != "code") names.emplace_back("response_type");
  if (p.refresh.grant_type != "refresh_token") names.emplace_back("refresh_grant_type");
  if (p.refresh.token_param != "refresh_token") names.emplace_back("refresh_token_param");
  add("D12", names);
  add("D13", {p.endpoints.refresh ? "separate" : "token_url"});
  add("D15", {p.authorize.extra_params.empty() ? "none" : "extra_params"});
  add("D16a", {p.authorize.callback_extras.empty() ? "none" : "extras"});
  add("D16b", {hasNonRfcFields(body) ? "extras" : "rfc_only"});
  add("D16c", {std::string(wireName(p.api.token_in))});
  add("D17", {p.token.code_ttl_seconds == 600 ? "default_600s" : "custom"});
  return out;
}

const std::vector<BehaviourSwitch>& behaviourSwitches() {
  // No real provider documents `plus` or a string expires_in (PROVIDERS.md D6, D10), so those
  // values exist only as switches; every value of both dimensions is listed and wire-tested.
  static const std::vector<BehaviourSwitch> kSwitches = {
      {"D6", "space", "scope_separator"},  {"D6", "comma", "scope_separator"},
      {"D6", "plus", "scope_separator"},   {"D6", "none", "scope_separator"},
      {"D10", "number", "expires_in"},     {"D10", "string", "expires_in"},
      {"D10", "absent", "expires_in"},     {"D10", "zero", "expires_in"},
  };
  return kSwitches;
}

CoverageReport computeCoverage(const std::vector<Profile>& profiles) {
  std::map<std::string, std::map<std::string, std::vector<std::string>>> hits;
  for (const auto& p : profiles) {
    for (const auto& [id, values] : profileDimensions(p)) {
      for (const auto& v : values) hits[id][v].push_back(p.slug);
    }
  }
  CoverageReport report;
  for (const auto& d : dimensions()) {
    CoverageRow row{d.id, d.name, {}};
    for (const auto& v : d.values) {
      CoverageValue cv{v, d.required.contains(v), hits[d.id][v], std::nullopt};
      std::sort(cv.slugs.begin(), cv.slugs.end());
      if (cv.slugs.empty()) {
        for (const auto& sw : behaviourSwitches()) {
          if (sw.dimension == d.id && sw.value == v) cv.behaviour = sw.text();
        }
      }
      if (cv.required && cv.slugs.empty()) {
        if (cv.behaviour) {
          ++report.by_behaviour;
        } else {
          report.missing.push_back(std::string(d.id) + " " + d.name + ": " + v);
        }
      }
      row.values.push_back(std::move(cv));
    }
    report.rows.push_back(std::move(row));
  }
  return report;
}

std::string formatCoverage(const CoverageReport& report) {
  std::ostringstream out;
  char line[160];
  std::snprintf(line, sizeof line, "%-5s %-22s %-20s %3s %4s  %s\n", "dim", "dimension", "value",
                "req", "n", "profiles");
  out << line;
  for (const auto& row : report.rows) {
    for (const auto& v : row.values) {
      std::string slugs;
      for (const auto& s : v.slugs) slugs += (slugs.empty() ? "" : " ") + s;
      std::snprintf(line, sizeof line, "%-5s %-22s %-20s %3s %4zu  ", row.id.c_str(),
                    row.dimension.c_str(), v.value.c_str(), v.required ? "*" : "", v.slugs.size());
      if (slugs.empty()) slugs = v.behaviour ? "(behaviour: " + *v.behaviour + ")" : "-";
      out << line << slugs << "\n";
    }
  }
  if (report.missing.empty()) {
    out << "every required dimension value (*) is covered";
    if (report.by_behaviour > 0) {
      out << " (" << report.by_behaviour << " by a tested behaviour switch only)";
    }
    out << "\n";
  } else {
    for (const auto& m : report.missing) out << "MISSING " << m << "\n";
  }
  return out.str();
}

}  // namespace linkgate::sim
