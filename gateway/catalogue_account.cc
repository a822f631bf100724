// The catalogue's `account` block (catalogue_account.h).
#include "gateway/catalogue_account.h"

#include <algorithm>

#include "gateway/catalogue.h"

namespace linkgate::gateway {
namespace {

Error bad(const std::string& field, const std::string& reason) {
  return Error{"bad_catalogue", field + ": " + reason};
}

bool declared(const NameValues& fields, const std::string& name) {
  return std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; });
}

bool filledBy(AccountFrom from, const Dialect& d, const std::string& name) {
  switch (from) {
    case AccountFrom::kToken: return declared(d.token_response.extra_fields, name);
    case AccountFrom::kCallback: {
      const auto& cb = d.authorization.callback_extra_fields;
      return std::find(cb.begin(), cb.end(), name) != cb.end();
    }
    case AccountFrom::kResource:
      return std::any_of(d.discovery.begin(), d.discovery.end(),
                         [&](const DiscoveryCall& c) { return declared(c.extra_fields, name); });
    default: return false;
  }
}

}  // namespace

std::string_view wireName(AccountFrom v) {
  switch (v) {
    case AccountFrom::kOidc: return "oidc";
    case AccountFrom::kToken: return "token";
    case AccountFrom::kCallback: return "callback";
    case AccountFrom::kResource: return "resource";
    case AccountFrom::kNone: break;
  }
  return "none";
}

Result<AccountSource> parseAccountSource(const Json& doc, const Dialect& d) {
  AccountSource out;
  if (!doc.is_object()) return std::unexpected(bad("account", "must be an object"));
  for (const auto& [key, value] : doc.items()) {
    if (key != "from" && key != "fields") return std::unexpected(bad("account." + key, "unknown field"));
  }
  auto from = doc.find("from");
  if (from == doc.end() || !from->is_string()) {
    return std::unexpected(bad("account.from", "is required (oidc, token, callback, resource)"));
  }
  const std::string f = from->get<std::string>();
  if (f == "oidc") out.from = AccountFrom::kOidc;
  else if (f == "token") out.from = AccountFrom::kToken;
  else if (f == "callback") out.from = AccountFrom::kCallback;
  else if (f == "resource") out.from = AccountFrom::kResource;
  else {
    return std::unexpected(bad("account.from", "unknown value \"" + f +
                                                   "\" (expected one of oidc, token, callback, "
                                                   "resource)"));
  }
  auto fields = doc.find("fields");
  if (out.from == AccountFrom::kOidc) {
    if (fields != doc.end()) return std::unexpected(bad("account.fields", "not with from: oidc"));
    if (!d.oidc) return std::unexpected(bad("account.from", "oidc needs an oidc block"));
    return out;
  }
  if (fields == doc.end() || !fields->is_array() || fields->empty()) {
    return std::unexpected(bad("account.fields", "must be a non-empty array of field names"));
  }
  for (const auto& name : *fields) {
    if (!name.is_string()) return std::unexpected(bad("account.fields", "must be strings"));
    const std::string n = name.get<std::string>();
    if (!filledBy(out.from, d, n)) {
      return std::unexpected(bad("account.fields", "\"" + n + "\" is not a field that " + f +
                                                       " fills"));
    }
    out.fields.push_back(n);
  }
  return out;
}

std::optional<std::string> accountFromFields(const AccountSource& source, const Json& properties) {
  if (source.fields.empty()) return std::nullopt;
  std::string id;
  for (const auto& name : source.fields) {
    auto it = properties.find(name);
    if (it == properties.end()) return std::nullopt;
    std::string value;
    if (it->is_string()) value = it->get<std::string>();
    else if (it->is_number_integer()) value = std::to_string(it->get<int64_t>());
    else if (it->is_number()) value = dumpJson(*it);
    if (value.empty()) return std::nullopt;
    id += (id.empty() ? "" : " ") + value;
  }
  return id;
}

}  // namespace linkgate::gateway
