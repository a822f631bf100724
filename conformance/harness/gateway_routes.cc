// Mapping the suite's management calls onto another gateway's routes.
#include "conformance/harness/gateway_routes.h"

#include <fstream>
#include <sstream>

#include "core/json.h"

namespace linkgate::conformance {
namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;  // after the leading '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool isPlaceholder(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

// Matches `path` against `tmpl`; the placeholder values on success.
bool match(const std::string& tmpl, const std::string& path, std::map<std::string, std::string>& vars) {
  const auto t = segments(tmpl);
  const auto p = segments(path);
  if (t.size() != p.size()) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (isPlaceholder(t[i])) {
      if (p[i].empty()) return false;
      vars[t[i]] = p[i];
    } else if (t[i] != p[i]) {
      return false;
    }
  }
  return true;
}

std::string fill(const std::string& tmpl, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (const auto& seg : segments(tmpl)) {
    auto it = vars.find(seg);
    out += "/" + (isPlaceholder(seg) && it != vars.end() ? it->second : seg);
  }
  return out;
}

Result<Route> parseRoute(const std::string& operation, const std::string& text) {
  const size_t space = text.find(' ');
  if (space == std::string::npos || space == 0 || text.size() <= space + 1 ||
      text[space + 1] != '/') {
    return fail("bad_adapter", operation + ": '" + text + "' is not \"METHOD /path\"");
  }
  return Route{text.substr(0, space), text.substr(space + 1)};
}

}  // namespace

const std::vector<std::pair<std::string, Route>>& linkgateRoutes() {
  static const std::vector<std::pair<std::string, Route>> kRoutes = {
      {"providers", {"GET", "/v1/providers"}},
      {"create_app", {"POST", "/v1/oauth-apps"}},
      {"list_apps", {"GET", "/v1/oauth-apps"}},
      {"read_app", {"GET", "/v1/oauth-apps/{id}"}},
      {"update_app", {"PATCH", "/v1/oauth-apps/{id}"}},
      {"delete_app", {"DELETE", "/v1/oauth-apps/{id}"}},
      {"register_redirect_uri", {"POST", "/v1/redirect-uris"}},
      {"list_redirect_uris", {"GET", "/v1/redirect-uris"}},
      {"delete_redirect_uri", {"DELETE", "/v1/redirect-uris/{id}"}},
      {"start_link", {"POST", "/v1/credentials/start-auth"}},
      {"list_start_links", {"GET", "/v1/start-links"}},
      {"read_start_link", {"GET", "/v1/start-links/{id}"}},
      {"delete_start_link", {"DELETE", "/v1/start-links/{id}"}},
      {"import_credential", {"POST", "/v1/credentials"}},
      {"list_credentials", {"GET", "/v1/credentials"}},
      {"export_credentials", {"GET", "/v1/credentials/export"}},
      {"read_credential", {"GET", "/v1/credentials/{id}"}},
      {"delete_credential", {"DELETE", "/v1/credentials/{id}"}},
      {"access_token", {"GET", "/v1/credentials/{id}/access-token"}},
      {"refresh_credential", {"POST", "/v1/credentials/{id}/refresh"}},
  };
  return kRoutes;
}

GatewayRoutes GatewayRoutes::linkgate() {
  GatewayRoutes r;
  for (const auto& [op, route] : linkgateRoutes()) r.routes_[op] = route;
  return r;
}

Result<GatewayRoutes> GatewayRoutes::fromJson(const std::string& json_text) {
  auto json = parseJsonObject(json_text);
  if (!json) return fail("bad_adapter", "the mapping is not a JSON object: " + json.error().message);
  GatewayRoutes r = linkgate();
  r.name_ = "http-adapter";
  for (const auto& [key, value] : json->items()) {
    if (key == "api_key_header") {
      if (!value.is_string() || value.get<std::string>().empty()) {
        return fail("bad_adapter", "api_key_header must be a header name");
      }
      r.api_key_header_ = value.get<std::string>();
    } else if (key == "routes") {
      if (!value.is_object()) return fail("bad_adapter", "routes must be an object");
      for (const auto& [op, text] : value.items()) {
        auto known = r.routes_.find(op);
        if (known == r.routes_.end()) return fail("bad_adapter", "unknown operation '" + op + "'");
        if (!text.is_string()) return fail("bad_adapter", op + ": the route must be a string");
        auto route = parseRoute(op, text.get<std::string>());
        if (!route) return std::unexpected(route.error());
        for (const auto& seg : segments(route->path)) {
          if (isPlaceholder(seg) && known->second.path.find(seg) == std::string::npos) {
            return fail("bad_adapter", op + ": " + seg + " is not a placeholder of " +
                                           known->second.path);
          }
        }
        known->second = *route;
      }
    } else if (key != "_comment") {
      return fail("bad_adapter", "unknown field '" + key + "'");
    }
  }
  return r;
}

Result<GatewayRoutes> GatewayRoutes::fromFlag(const std::string& flag) {
  if (flag == "linkgate") return linkgate();
  const std::string prefix = "http-adapter:";
  if (!flag.starts_with(prefix)) return fail("bad_adapter", "unknown adapter " + flag);
  const std::string path = flag.substr(prefix.size());
  std::ifstream in(path);
  if (!in) return fail("bad_adapter", "cannot read the adapter mapping " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto routes = fromJson(text.str());
  if (!routes) return fail("bad_adapter", path + ": " + routes.error().message);
  return routes;
}

Route GatewayRoutes::map(const std::string& method, const std::string& path_and_query) const {
  const size_t q = path_and_query.find('?');
  const std::string path = path_and_query.substr(0, q);
  const std::string query = q == std::string::npos ? "" : path_and_query.substr(q);
  // Literal routes first (/v1/credentials/export before /v1/credentials/{id}).
  for (bool literal : {true, false}) {
    for (const auto& [op, route] : linkgateRoutes()) {
      if (route.method != method || (route.path.find('{') == std::string::npos) != literal) continue;
      std::map<std::string, std::string> vars;
      if (!match(route.path, path, vars)) continue;
      const Route& mapped = routes_.at(op);
      return {mapped.method, fill(mapped.path, vars) + query};
    }
  }
  return {method, path_and_query};
}

}  // namespace linkgate::conformance
