// /v1 management additions of issue 12: API keys (create, list, revoke; a key is shown once),
// credential pages (filters, opaque cursor) and the JSONL bulk import with a per-line report.
#include "core/base64.h"
#include "core/crypto.h"
#include "gateway/api_handlers.h"
#include "gateway/end_user.h"
#include "gateway/api_json.h"
#include "gateway/pages.h"
#include "gateway/request_checks.h"

namespace linkgate::gateway {
namespace {

Json apiKeyJson(const ApiKeyInfo& k) {
  return Json{{"id", k.id}, {"prefix", k.prefix}, {"created_at", rfc3339(k.created_at)}};
}

// The cursor is base64url("<created_at>:<id>") of the last credential of the page: opaque to
// callers, stable under inserts (the order is (created_at, id)).
std::string encodeCursor(const Credential& c) {
  return base64UrlEncode(std::to_string(c.created_at) + ":" + c.id);
}

GwResult<std::pair<int64_t, std::string>> decodeCursor(const std::string& cursor) {
  auto bad = [] { return gwFail(Code::kInvalidRequest, "cursor is not one this gateway made"); };
  auto text = base64UrlDecode(cursor);
  if (!text) return bad();
  const size_t colon = text->find(':');
  if (colon == std::string::npos || colon == 0 || colon > 19) return bad();
  int64_t at = 0;
  for (size_t i = 0; i < colon; ++i) {
    if ((*text)[i] < '0' || (*text)[i] > '9') return bad();
    at = at * 10 + ((*text)[i] - '0');
  }
  std::string id = text->substr(colon + 1);
  if (!isUuid(id)) return bad();
  return std::pair{at, lowerAscii(id)};
}

}  // namespace

// ---- API keys ----

web::Response ApiHandlers::createApiKey(const std::string& account) {
  const std::string key = "lgk_" + randomToken(s_.random, 256);
  const int64_t now = s_.now();
  if (auto ok = s_.store.addApiKey(key, account, now); !ok) return storageError();
  ApiKeyInfo info{sha256Hex(key).substr(0, 16), key.substr(0, 8), account, now};
  Json body = apiKeyJson(info);
  body["key"] = key;  // the only time the key is ever shown
  return jsonOk(201, body);
}

web::Response ApiHandlers::listApiKeys(const std::string& account) {
  auto keys = s_.store.listApiKeys(account);
  if (!keys) return storageError();
  Json data = Json::array();
  for (const auto& k : *keys) data.push_back(apiKeyJson(k));
  return jsonOk(200, Json{{"data", data}});
}

web::Response ApiHandlers::deleteApiKey(const std::string& account, const std::string& id) {
  const bool hex = id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex) {
    return jsonError(gwError(Code::kInvalidRequest, "an API key id is 16 lower-case hex digits"));
  }
  auto deleted = s_.store.deleteApiKey(account, id);
  if (!deleted) return storageError();
  if (!*deleted) return jsonError(gwError(Code::kNotFound, "API key not found"));
  return noContent();
}

// ---- credential pages ----

web::Response ApiHandlers::listCredentials(const web::Request& request,
                                           const std::string& account) {
  auto params = Params::parse(request.raw_query);
  if (!params) return jsonError(gwError(Code::kInvalidRequest, "the query string is malformed"));
  if (auto dup = params->firstDuplicate()) {
    return jsonError(gwError(Code::kDuplicateParameter, *dup + " is repeated"));
  }
  for (const auto& [name, value] : params->items()) {
    if (name != "provider" && name != "oauth_app_id" && name != "end_user_id" &&
        name != "cursor" && name != "limit" && name != "truncate_secrets") {
      return jsonError(gwError(Code::kInvalidRequest, "unknown query parameter '" + name + "'"));
    }
  }
  CredentialQuery q;
  q.limit = kDefaultPageSize;
  if (auto p = params->get("provider")) {
    if (s_.catalogue.find(*p) == nullptr) {
      return jsonError(gwError(Code::kUnknownProvider,
                               "provider is not in the catalogue (GET /v1/providers)"));
    }
    q.provider = *p;
  }
  if (auto a = params->get("oauth_app_id")) {
    if (!isUuid(*a)) return jsonError(gwError(Code::kInvalidUuid, "oauth_app_id must be a UUID"));
    q.app_id = lowerAscii(*a);
  }
  if (auto u = params->get("end_user_id")) {  // issue 13
    if (auto ok = checkEndUser(u, std::nullopt, std::nullopt); !ok) return jsonError(ok.error());
    q.end_user_id = *u;
  }
  auto limit = pageLimit(*params, q.limit, kMaxPageSize);
  if (!limit) return jsonError(limit.error());
  q.limit = *limit;
  if (auto c = params->get("cursor")) {
    auto after = decodeCursor(*c);
    if (!after) return jsonError(after.error());
    q.after = *after;
  }
  const int64_t page = q.limit;
  q.limit = page + 1;  // one more tells whether there is a next page
  auto found = s_.store.listCredentialsPage(account, q);
  if (!found) return storageError();
  const bool more = static_cast<int64_t>(found->size()) > page;
  if (more) found->resize(static_cast<size_t>(page));
  Json data = Json::array();
  const bool reveal = revealSecrets(request);
  for (const auto& c : *found) data.push_back(credentialJson(c, reveal));
  Json body = {{"data", data}, {"next_cursor", nullptr}};
  if (more) body["next_cursor"] = encodeCursor(found->back());
  return jsonOk(200, body);
}

// ---- bulk import ----

web::Response ApiHandlers::importCredentialsBulk(const web::Request& request,
                                                 const std::string& account) {
  const std::string type = lowerAscii(request.header("content-type").value_or(""));
  if (!type.starts_with("application/x-ndjson") && !type.starts_with("application/jsonl")) {
    return jsonError(gwError(Code::kUnsupportedMediaType,
                             "Content-Type must be application/x-ndjson (one JSON object a line)"));
  }
  Json results = Json::array();
  int created = 0, updated = 0, failed = 0;
  size_t start = 0, line_no = 0;
  const std::string& body = request.body;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    std::string line = body.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines are skipped
    Json result = {{"line", line_no}};
    auto parsed = parseJsonObject(line);
    GwResult<Imported> imported =
        parsed ? importOne(*parsed, account)
               : gwFail(Code::kBadJson, "the line is not a JSON object: " + parsed.error().message);
    if (imported) {
      result["status"] = imported->created ? "created" : "updated";
      result["id"] = imported->credential.id;
      ++(imported->created ? created : updated);
    } else {
      result["status"] = "failed";
      result["error"] = imported.error().wireError();
      result["error_description"] = imported.error().description;
      ++failed;
    }
    results.push_back(std::move(result));
  }
  if (results.empty()) {
    return jsonError(gwError(Code::kMissingParameter, "the body holds no JSON lines"));
  }
  return jsonOk(200, Json{{"created", created},
                          {"updated", updated},
                          {"failed", failed},
                          {"results", results}});
}

}  // namespace linkgate::gateway
