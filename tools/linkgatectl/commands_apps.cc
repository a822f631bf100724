// linkgatectl: OAuth apps, redirect URIs, providers, start links (create, list, get, delete)
// and API keys.
#include <ostream>
#include <sstream>

#include "tools/linkgatectl/commands.h"

namespace linkgatectl {
namespace {

const std::vector<Column> kAppColumns = {{"ID", "id"},
                                         {"PROVIDER", "provider"},
                                         {"NAME", "name"},
                                         {"CLIENT_ID", "client_id"},
                                         {"SCOPES", "default_scopes"},
                                         {"CREATED", "created_at"}};
const std::vector<Column> kUriColumns = {{"ID", "id"}, {"URL", "url"}, {"CREATED", "created_at"}};
const std::vector<Column> kKeyColumns = {
    {"ID", "id"}, {"PREFIX", "prefix"}, {"CREATED", "created_at"}};

const std::vector<Column> kLinkColumns = {{"ID", "id"},
                                          {"PROVIDER", "provider"},
                                          {"APP", "oauth_app_id"},
                                          {"STATUS", "status"},
                                          {"END_USER", "end_user_id"},
                                          {"EXPIRES", "expires_at"}};

// start-links list: every page (or one with --limit), newest first, with the API's filters.
int listStartLinks(Ctx& c) {
  std::string base = "/v1/start-links?";
  if (auto p = c.args.opt("provider")) base += "provider=" + queryValue(*p) + "&";
  if (auto a = c.args.opt("app")) base += "oauth_app_id=" + queryValue(*a) + "&";
  if (auto u = c.args.opt("end-user")) base += "end_user_id=" + queryValue(*u) + "&";
  const auto limit = c.args.opt("limit");
  base += "limit=" + queryValue(limit.value_or("1000"));
  std::string cursor = c.args.opt("cursor").value_or("");
  Json all = Json::array();
  Json next = nullptr;
  do {
    auto a = c.client.call("GET", base + (cursor.empty() ? "" : "&cursor=" + queryValue(cursor)));
    if (!a.ok()) return failed(c, a);
    Json page = a.json();
    for (auto& item : page["data"]) all.push_back(std::move(item));
    next = page.value("next_cursor", Json());
    cursor = next.is_string() ? next.get<std::string>() : "";
  } while (!limit && !cursor.empty());
  if (c.args.json) {
    c.out << dumpJson(Json{{"data", all}, {"next_cursor", next}}) << "\n";
  } else {
    c.out << table(all, kLinkColumns);
    if (next.is_string()) c.err << "more: --cursor " << next.get<std::string>() << "\n";
  }
  return kOk;
}

std::string rows(const Json& j, const std::vector<Column>& columns) {
  return table(j.value("data", Json::array()), columns);
}

Json scopesOf(const std::string& text) {
  Json out = Json::array();
  std::istringstream in(text);
  for (std::string s; in >> s;) out.push_back(s);
  return out;
}

// --name, --client-id, --client-secret, --scopes, --metadata (JSON) into a body.
bool appFields(Ctx& ctx, Json& body, int& rc) {
  for (auto [opt, field] : std::vector<std::pair<const char*, const char*>>{
           {"name", "name"}, {"client-id", "client_id"}, {"client-secret", "client_secret"}}) {
    if (auto v = ctx.args.opt(opt)) body[field] = *v;
  }
  if (auto v = ctx.args.opt("scopes")) body["default_scopes"] = scopesOf(*v);
  if (auto v = ctx.args.opt("metadata")) {
    auto parsed = linkgate::parseJsonObject(*v);
    if (!parsed) {
      rc = usageError(ctx, "--metadata must be a JSON object");
      return false;
    }
    body["metadata"] = *parsed;
  }
  return true;
}

int idCall(Ctx& ctx, const std::string& method, const std::string& base,
           const std::vector<Column>* columns, const std::string& query = "") {
  std::string id;
  int rc = 0;
  if (!positional(ctx, 0, "ID", id, rc)) return rc;
  auto a = ctx.client.call(method, base + "/" + queryValue(id) + query);
  return show(ctx, a, [&](const Json& j) {
    return columns ? record(j, *columns)
                   : std::string(method == "DELETE" ? "deleted " + id + "\n" : "");
  });
}

}  // namespace

std::vector<Command> appCommands() {
  return {
      {"apps list", "", "List OAuth apps",
       [](Ctx& c) {
         return show(c, c.client.call("GET", "/v1/oauth-apps"),
                     [](const Json& j) { return rows(j, kAppColumns); });
       }},
      {"apps get", "ID", "Show one OAuth app",
       [](Ctx& c) { return idCall(c, "GET", "/v1/oauth-apps", &kAppColumns); }},
      {"apps create",
       "--provider SLUG --client-id ID --client-secret SECRET [--name N] [--scopes 'a b'] "
       "[--metadata JSON]",
       "Create an OAuth app",
       [](Ctx& c) {
         Json body = Json::object();
         int rc = 0;
         if (auto p = c.args.opt("provider")) body["provider"] = *p;
         if (!appFields(c, body, rc)) return rc;
         return show(c, c.client.callJson("POST", "/v1/oauth-apps", body),
                     [](const Json& j) { return record(j, kAppColumns); });
       }},
      {"apps update",
       "ID [--name N] [--client-id ID] [--client-secret S] [--scopes 'a b'] [--metadata JSON]",
       "Change an OAuth app",
       [](Ctx& c) {
         std::string id;
         int rc = 0;
         if (!positional(c, 0, "ID", id, rc)) return rc;
         Json body = Json::object();
         if (!appFields(c, body, rc)) return rc;
         if (body.empty())
           return usageError(c, "nothing to change (give --name, --client-id, ...)");
         return show(c, c.client.callJson("PATCH", "/v1/oauth-apps/" + queryValue(id), body),
                     [](const Json& j) { return record(j, kAppColumns); });
       }},
      {"apps delete", "ID [--cascade]",
       "Delete an OAuth app (--cascade: and its credentials; without it an app with credentials is "
       "refused)",
       [](Ctx& c) {
         return idCall(c, "DELETE", "/v1/oauth-apps", nullptr,
                       c.args.flag("cascade") ? "?cascade=true" : "");
       }},
      {"redirect-uris list", "", "List registered redirect URIs",
       [](Ctx& c) {
         return show(c, c.client.call("GET", "/v1/redirect-uris"),
                     [](const Json& j) { return rows(j, kUriColumns); });
       }},
      {"redirect-uris add", "URL", "Register a redirect URI",
       [](Ctx& c) {
         std::string url;
         int rc = 0;
         if (!positional(c, 0, "URL", url, rc)) return rc;
         return show(c, c.client.callJson("POST", "/v1/redirect-uris", Json{{"url", url}}),
                     [](const Json& j) { return record(j, kUriColumns); });
       }},
      {"redirect-uris delete", "ID", "Unregister a redirect URI",
       [](Ctx& c) { return idCall(c, "DELETE", "/v1/redirect-uris", nullptr); }},
      {"providers list", "", "The provider catalogue",
       [](Ctx& c) {
         return show(c, c.client.call("GET", "/v1/providers"), [](const Json& j) {
           return rows(j, {{"SLUG", "slug"},
                           {"NAME", "display_name"},
                           {"AUTHORIZE", "dialect.authorization_url"}});
         });
       }},
      {"start-link create", "--app ID --redirect-uri URL [--state JSON] [--scope S]",
       "Make a start link to send a user",
       [](Ctx& c) {
         Json body = Json::object();
         if (auto v = c.args.opt("app")) body["oauth_app_id"] = *v;
         if (auto v = c.args.opt("redirect-uri")) body["redirect_uri"] = *v;
         if (auto v = c.args.opt("scope")) body["scope"] = *v;
         if (auto v = c.args.opt("state")) {
           auto parsed = linkgate::parseJson(*v);
           body["state"] = parsed ? *parsed : Json(*v);
         }
         return show(c, c.client.callJson("POST", "/v1/credentials/start-auth", body),
                     [](const Json& j) {
                       return record(j, {{"ID", "id"},
                                         {"URL", "start_url"},
                                         {"EXPIRES", "expires_at"}});
                     });
       }},
      {"start-links list", "[--provider SLUG] [--app ID] [--end-user ID] [--limit N] [--cursor C]",
       "List start links, newest first (ids and status, never the link's token)", listStartLinks},
      {"start-links get", "ID", "Show one start link",
       [](Ctx& c) {
         std::vector<Column> all = kLinkColumns;
         all.insert(all.end(), {{"REDIRECT_URI", "redirect_uri"},
                                {"SCOPE", "scope"},
                                {"STATE", "state"},
                                {"CREATED", "created_at"}});
         return idCall(c, "GET", "/v1/start-links", &all);
       }},
      {"start-links delete", "ID", "Delete a start link (its URL stops working at once)",
       [](Ctx& c) { return idCall(c, "DELETE", "/v1/start-links", nullptr); }},
      {"api-keys create", "", "Make an API key for this account (printed once)",
       [](Ctx& c) {
         return show(c, c.client.call("POST", "/v1/api-keys"), [](const Json& j) {
           return record(j, {{"KEY", "key"}, {"ID", "id"}, {"CREATED", "created_at"}});
         });
       }},
      {"api-keys list", "", "List this account's API keys (ids and prefixes, never the keys)",
       [](Ctx& c) {
         return show(c, c.client.call("GET", "/v1/api-keys"),
                     [](const Json& j) { return rows(j, kKeyColumns); });
       }},
      {"api-keys revoke", "ID", "Revoke an API key",
       [](Ctx& c) { return idCall(c, "DELETE", "/v1/api-keys", nullptr); }},
  };
}

}  // namespace linkgatectl
