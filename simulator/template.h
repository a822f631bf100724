// TEMPLATE values of profiles: JSON whose strings carry {placeholders}. A string that is exactly
// one placeholder takes the value's own type and its key disappears when there is no value;
// placeholders inside longer strings interpolate as text (fixtures/providers/README.md).
#pragma once
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"

namespace linkgate::sim {

// Placeholder name ("access_token", "user.login", "param.tenant") -> value. A name that is not
// in the map has no value.
using TemplateValues = std::map<std::string, Json, std::less<>>;

// Which placeholders a template may use; validation rejects any other.
struct PlaceholderRules {
  bool tokens = false;  // access_token, refresh_token, token_type, expires_in, expires_at, expires_at_rfc3339
  bool scope = false;   // scope, scope_array
  bool errors = false;  // error, error_description
  bool user = false;    // user.FIELD with FIELD in user_fields
  std::set<std::string, std::less<>> user_fields;
  std::set<std::string, std::less<>> params;  // param.NAME with NAME declared
  // access_token and expires_in only: the token a resource request presented (api.resources).
  bool presented_token = false;
  // companion.access_token, companion.refresh_token, companion.token_type (token.companion).
  bool companion = false;
  // now, now_ms, now_ms_string and client_id are always allowed; authorization_id (the
  // authorization a token descends from) wherever user fields are.
};

// Checks every placeholder of tmpl; error id "bad_template", message "PATH: reason" where PATH
// is the JSON path inside the template ("" for the root, "team.id", "scopes[0]").
Status validateTemplate(const Json& tmpl, const PlaceholderRules& rules);
// True when tmpl is an object whose values are scalars (a form body can be rendered from it).
bool isFlatTemplate(const Json& tmpl);
// True when the template uses `{name}` somewhere (e.g. "access_token").
bool usesPlaceholder(const Json& tmpl, std::string_view name);

// Renders tmpl. Never throws; an absent single-placeholder root renders as null.
Json renderTemplate(const Json& tmpl, const TemplateValues& values);
// Renders a string template to text (callback extras, form values).
std::string renderText(std::string_view tmpl, const TemplateValues& values);
// The node at a dotted key path ("accounts.0.account_id"): a segment of digits indexes an
// array, any other segment names an object member. nullptr when a step is missing.
const Json* atKeyPath(const Json& node, std::string_view key);

// Text form of a rendered scalar: strings as is, numbers in decimal, arrays space-joined.
std::string scalarText(const Json& value);

}  // namespace linkgate::sim
