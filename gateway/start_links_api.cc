// /v1/start-links (issue 17): an account's start links listed (newest first, filters, opaque
// cursor), read and deleted. A link is named by its id (the first 16 hex digits of its token's
// SHA-256); the token itself is never stored in clear and never shown again.
#include <algorithm>
#include <map>

#include "core/base64.h"
#include "gateway/api_handlers.h"
#include "gateway/api_json.h"
#include "gateway/end_user.h"
#include "gateway/pages.h"
#include "gateway/request_checks.h"

namespace linkgate::gateway {
namespace {

bool isStartLinkId(const std::string& id) {
  return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// base64url("<expires_at>:<id>") of the page's last link: opaque, stable under inserts.
std::string encodeLinkCursor(const StartLinkInfo& l) {
  return base64UrlEncode(std::to_string(l.link.expires_at) + ":" + l.id);
}

GwResult<std::pair<int64_t, std::string>> decodeLinkCursor(const std::string& cursor) {
  auto bad = [] { return gwFail(Code::kInvalidRequest, "cursor is not one this gateway made"); };
  auto text = base64UrlDecode(cursor);
  if (!text) return bad();
  const size_t colon = text->find(':');
  if (colon == std::string::npos || colon == 0 || colon > 18) return bad();
  int64_t at = 0;
  for (size_t i = 0; i < colon; ++i) {
    if ((*text)[i] < '0' || (*text)[i] > '9') return bad();
    at = at * 10 + ((*text)[i] - '0');
  }
  std::string id = text->substr(colon + 1);
  if (!isStartLinkId(id)) return bad();
  return std::pair{at, id};
}

}  // namespace

Json ApiHandlers::startLinkJson(const StartLinkInfo& info, const std::string& provider) {
  const StartLink& l = info.link;
  const char* status = info.used ? "used" : l.expires_at <= s_.now() ? "expired" : "active";
  Json state = nullptr;
  if (l.state) {
    auto parsed = parseJson(*l.state);
    if (parsed) state = std::move(*parsed);
  }
  Json answer = {{"id", info.id},
                 {"oauth_app_id", l.app_id},
                 {"provider", provider.empty() ? Json(nullptr) : Json(provider)},
                 {"redirect_uri", l.redirect_uri},
                 {"scope", l.scope ? Json(*l.scope) : Json(nullptr)},
                 {"state", state},
                 {"connection_params", l.connection_params},
                 {"status", status},
                 {"created_at", l.created_at > 0 ? Json(rfc3339(l.created_at)) : Json(nullptr)},
                 {"expires_at", rfc3339(l.expires_at)}};
  addEndUserFields(answer, l.end_user);
  return answer;
}

web::Response ApiHandlers::listStartLinks(const web::Request& request,
                                          const std::string& account) {
  auto params = Params::parse(request.raw_query);
  if (!params) return jsonError(gwError(Code::kInvalidRequest, "the query string is malformed"));
  if (auto dup = params->firstDuplicate()) {
    return jsonError(gwError(Code::kDuplicateParameter, *dup + " is repeated"));
  }
  for (const auto& [name, value] : params->items()) {
    if (name != "provider" && name != "oauth_app_id" && name != "end_user_id" &&
        name != "cursor" && name != "limit") {
      return jsonError(gwError(Code::kInvalidRequest, "unknown query parameter '" + name + "'"));
    }
  }
  auto apps = s_.store.listApps(account);
  if (!apps) return storageError();
  std::map<std::string, std::string> provider_of;  // app id -> provider
  for (const auto& a : *apps) provider_of[a.id] = a.provider;
  StartLinkQuery q;
  q.limit = kDefaultPageSize;
  if (auto p = params->get("provider")) {
    if (s_.catalogue.find(*p) == nullptr) {
      return jsonError(gwError(Code::kUnknownProvider,
                               "provider is not in the catalogue (GET /v1/providers)"));
    }
    q.app_ids.emplace();
    for (const auto& [id, provider] : provider_of) {
      if (provider == *p) q.app_ids->push_back(id);
    }
  }
  if (auto a = params->get("oauth_app_id")) {
    if (!isUuid(*a)) return jsonError(gwError(Code::kInvalidUuid, "oauth_app_id must be a UUID"));
    const std::string id = lowerAscii(*a);
    const bool in_filter = !q.app_ids || std::find(q.app_ids->begin(), q.app_ids->end(), id) !=
                                             q.app_ids->end();
    q.app_ids = std::vector<std::string>();
    if (in_filter) q.app_ids->push_back(id);
  }
  if (auto u = params->get("end_user_id")) {
    if (auto ok = checkEndUser(u, std::nullopt, std::nullopt); !ok) return jsonError(ok.error());
    q.end_user_id = *u;
  }
  auto limit = pageLimit(*params, q.limit, kMaxPageSize);
  if (!limit) return jsonError(limit.error());
  q.limit = *limit;
  if (auto c = params->get("cursor")) {
    auto after = decodeLinkCursor(*c);
    if (!after) return jsonError(after.error());
    q.after = *after;
  }
  const int64_t page = q.limit;
  q.limit = page + 1;  // one more tells whether there is a next page
  auto found = s_.store.listStartLinks(account, q);
  if (!found) return storageError();
  const bool more = static_cast<int64_t>(found->size()) > page;
  if (more) found->resize(static_cast<size_t>(page));
  Json data = Json::array();
  for (const auto& l : *found) data.push_back(startLinkJson(l, provider_of[l.link.app_id]));
  Json body = {{"data", data}, {"next_cursor", nullptr}};
  if (more) body["next_cursor"] = encodeLinkCursor(found->back());
  return jsonOk(200, body);
}

web::Response ApiHandlers::getStartLink(const std::string& account, const std::string& id) {
  if (!isStartLinkId(id)) {
    return jsonError(gwError(Code::kNotFound, "start link not found (an id is 16 hex digits)"));
  }
  auto found = s_.store.findStartLink(account, id);
  if (!found) return storageError();
  if (!*found) return jsonError(gwError(Code::kNotFound, "start link not found"));
  std::string provider;
  auto app = s_.store.findApp((*found)->link.app_id);
  if (app && *app && (*app)->account_id == account) provider = (*app)->provider;
  return jsonOk(200, startLinkJson(**found, provider));
}

web::Response ApiHandlers::deleteStartLink(const std::string& account, const std::string& id) {
  if (!isStartLinkId(id)) {
    return jsonError(gwError(Code::kNotFound, "start link not found (an id is 16 hex digits)"));
  }
  auto deleted = s_.store.deleteStartLink(account, id);
  if (!deleted) return storageError();
  if (!*deleted) return jsonError(gwError(Code::kNotFound, "start link not found"));
  return noContent();
}

}  // namespace linkgate::gateway
