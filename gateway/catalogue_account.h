// Where a provider's account id comes from (SPEC §9, docs/VOCABULARY.md `account`): the
// catalogue names it as data, so re-linking the same provider account updates one credential.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace linkgate::gateway {

struct Dialect;

enum class AccountFrom { kNone, kOidc, kToken, kCallback, kResource };

// Issue 13: several accounts behind one login (DocuSign accounts, Xero tenants, Atlassian
// sites): which one the credential holds, by which documented rule, shown to the integrator as
// the credential's `provider_account` property ({id, name?, rule, choices?}).
struct AccountChoice {
  bool on = false;
  std::string id_field;       // the chosen account's id (a field of the account source)
  std::string name_field;     // its display name; "" = none
  std::string rule;           // the provider's documented rule, in words
  std::string choices_field;  // a field listing every account the grant covers; "" = none
};

struct AccountSource {
  AccountFrom from = AccountFrom::kNone;  // kNone: not declared (the identity follows the tokens)
  // The credential fields (kToken: token.response.extra_fields, kCallback:
  // authorize.callback_extras, kResource: an api.resources extra field) whose values, joined by
  // " ", are the account id. Empty for kOidc (iss + sub of the validated id_token).
  std::vector<std::string> fields;
  AccountChoice choice;  // `account.choice`
  // kOidc only, `account.otherwise`: where the id_token's `sub` is found when the flow has no
  // id_token (openid not granted): one field of the token answer, callback or a resource, whose
  // value the provider documents as equal to `sub`. The account id is then "<issuer> <value>",
  // the same as with an id_token, so linking with and without openid names one account.
  AccountFrom subject_from = AccountFrom::kNone;
  std::string subject_field;
};

// Reads `account` ({"from": "oidc", "otherwise"?: {"from", "field"}} or
// {"from": "token"|"callback"|"resource", "fields": [...]})
// once the rest of the dialect is read; every field must be one that source fills.
// Errors: "bad_catalogue", "account...: reason".
Result<AccountSource> parseAccountSource(const Json& doc, const Dialect& dialect);

// The account id of a credential's properties under `source`; nullopt when the source is kNone
// or kOidc (the caller has the id_token's), or a field is missing or empty.
std::optional<std::string> accountFromFields(const AccountSource& source, const Json& properties);

// The credential's `provider_account` property under `source.choice`: {"id", "name"?, "rule",
// "choices"?} from the credential's fields; nullopt without a choice or when its id is missing.
std::optional<Json> accountChoiceProperty(const AccountSource& source, const Json& properties);

std::string_view wireName(AccountFrom v);

}  // namespace linkgate::gateway
