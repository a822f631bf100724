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

AccountFrom fromName(const std::string& f) {
  if (f == "oidc") return AccountFrom::kOidc;
  if (f == "token") return AccountFrom::kToken;
  if (f == "callback") return AccountFrom::kCallback;
  if (f == "resource") return AccountFrom::kResource;
  return AccountFrom::kNone;
}

// `account.otherwise`: {"from": "token"|"callback"|"resource", "field": name}.
Result<std::pair<AccountFrom, std::string>> parseOtherwise(const Json& j, const Dialect& d) {
  const std::string at = "account.otherwise";
  if (!j.is_object()) return std::unexpected(bad(at, "must be an object"));
  for (const auto& [key, value] : j.items()) {
    if (key != "from" && key != "field") return std::unexpected(bad(at + "." + key, "unknown field"));
  }
  const Json from = j.value("from", Json());
  const AccountFrom source = from.is_string() ? fromName(from.get<std::string>()) : AccountFrom::kNone;
  if (source == AccountFrom::kNone || source == AccountFrom::kOidc) {
    return std::unexpected(bad(at + ".from", "must be one of token, callback, resource"));
  }
  const Json field = j.value("field", Json());
  if (!field.is_string() || !filledBy(source, d, field.get<std::string>())) {
    return std::unexpected(bad(at + ".field", "must name a field that " +
                                                  from.get<std::string>() + " fills"));
  }
  return std::pair{source, field.get<std::string>()};
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
    if (key != "from" && key != "fields" && key != "choice" && key != "otherwise") {
      return std::unexpected(bad("account." + key, "unknown field"));
    }
  }
  auto from = doc.find("from");
  if (from == doc.end() || !from->is_string()) {
    return std::unexpected(bad("account.from", "is required (oidc, token, callback, resource)"));
  }
  const std::string f = from->get<std::string>();
  out.from = fromName(f);
  if (out.from == AccountFrom::kNone) {
    return std::unexpected(bad("account.from", "unknown value \"" + f +
                                                   "\" (expected one of oidc, token, callback, "
                                                   "resource)"));
  }
  auto fields = doc.find("fields");
  auto otherwise = doc.find("otherwise");
  if (out.from == AccountFrom::kOidc) {
    if (fields != doc.end()) return std::unexpected(bad("account.fields", "not with from: oidc"));
    if (doc.contains("choice")) return std::unexpected(bad("account.choice", "not with from: oidc"));
    if (!d.oidc) return std::unexpected(bad("account.from", "oidc needs an oidc block"));
    if (otherwise != doc.end() && d.oidc->tenant_issuer) {
      // a multi-tenant issuer is named by the id_token's tenant claim: none without one
      return std::unexpected(bad("account.otherwise", "not with oidc.tenant_issuer"));
    }
    if (otherwise != doc.end()) {
      auto subject = parseOtherwise(*otherwise, d);
      if (!subject) return std::unexpected(subject.error());
      out.subject_from = subject->first;
      out.subject_field = subject->second;
    }
    return out;
  }
  if (otherwise != doc.end()) {
    return std::unexpected(bad("account.otherwise", "only with from: oidc"));
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
  if (auto choice = doc.find("choice"); choice != doc.end()) {
    if (!choice->is_object()) return std::unexpected(bad("account.choice", "must be an object"));
    AccountChoice& c = out.choice;
    c.on = true;
    for (const auto& [key, value] : choice->items()) {
      std::string* into = key == "id" ? &c.id_field
                          : key == "name" ? &c.name_field
                          : key == "rule" ? &c.rule
                          : key == "choices" ? &c.choices_field
                                             : nullptr;
      if (into == nullptr) return std::unexpected(bad("account.choice." + key, "unknown field"));
      if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
        return std::unexpected(bad("account.choice." + key, "must be a non-empty string"));
      }
      *into = value.get<std::string>();
      if (key != "rule" && !filledBy(out.from, d, *into)) {
        return std::unexpected(bad("account.choice." + key,
                                   "\"" + *into + "\" is not a field that " + f + " fills"));
      }
    }
    if (c.id_field.empty() || c.rule.empty()) {
      return std::unexpected(bad("account.choice", "needs id and rule"));
    }
  }
  return out;
}

std::optional<Json> accountChoiceProperty(const AccountSource& source, const Json& properties) {
  const AccountChoice& c = source.choice;
  if (!c.on) return std::nullopt;
  auto value = [&](const std::string& field) -> const Json* {
    auto it = properties.find(field);
    return it == properties.end() || it->is_null() ? nullptr : &*it;
  };
  const Json* id = value(c.id_field);
  if (id == nullptr) return std::nullopt;
  Json out{{"id", *id}, {"rule", c.rule}};
  if (const Json* name = c.name_field.empty() ? nullptr : value(c.name_field)) out["name"] = *name;
  if (const Json* all = c.choices_field.empty() ? nullptr : value(c.choices_field)) {
    out["choices"] = *all;
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
