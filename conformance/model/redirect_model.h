// The suite's own oracle for SPEC §2 (redirect-URI registration, the `:provider` token and
// matching). Plain string code on purpose: it shares nothing with the gateway, not even core/.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkgate::conformance::model {

// A URI cut at its delimiters, without validating anything. `absolute` is true when the text
// starts with "scheme://"; then `scheme` and `authority` are set and `rest` is path + query.
struct UriPieces {
  bool absolute = false;
  std::string_view scheme;     // before "://"
  std::string_view authority;  // between "//" and the first '/', '?' or '#'
  std::string_view rest;       // path and query: up to '#' (or the end)
  bool has_fragment = false;
  std::string_view fragment;   // after '#'
};
UriPieces cutUri(std::string_view uri);

// SPEC §2: the literal ":provider" at `pos`, not followed by a letter, digit, '_' or '-'.
bool isProviderTokenAt(std::string_view text, size_t pos);

// SPEC §2 subst(u, slug): every token in the path or query becomes the slug. Text that is not
// "scheme://..." has no path/query region the model recognises and is returned unchanged.
std::string substituteProvider(std::string_view uri, std::string_view slug);

// SPEC §2 registration rules. nullopt when POST /v1/redirect-uris must accept `uri`, otherwise
// the reason it must be rejected with 400.
std::optional<std::string> registrationProblem(std::string_view uri);

// SPEC §2 matching for an app of provider `slug`: D = subst(requested, slug) when some
// registered R has subst(R, slug) == D byte for byte (ports ignored for a registered
// http://127.0.0.1 or http://[::1] URI, RFC 8252 §7.3); nullopt when the request is refused.
std::optional<std::string> allowedDestination(const std::vector<std::string>& registered,
                                              std::string_view requested,
                                              std::string_view slug);

}  // namespace linkgate::conformance::model
