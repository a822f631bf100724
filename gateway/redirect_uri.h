// SPEC §2: redirect-URI matching (with the `:provider` token and the RFC 8252 §7.3 loopback
// exception) and the registration rules. Pure functions, no normalisation anywhere.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace linkgate::gateway {

// Replaces every `:provider` token of the path and query of uri (the literal text not followed
// by a letter, digit, '_' or '-') by slug. Scheme, authority and fragment are left alone.
std::string substituteProvider(std::string_view uri, std::string_view slug);

// SPEC §2: the URI the user is sent to (D = subst(requested, slug)) when some registered R has
// subst(R, slug) == D byte for byte, or R is an http loopback-IP URI equal to D but for the port.
std::optional<std::string> matchRedirectUri(std::string_view requested, std::string_view slug,
                                            const std::vector<std::string>& registered);

// Registration rules of SPEC §2; fails "invalid_redirect_uri" with the reason.
Status validateRedirectUriRegistration(std::string_view uri);

}  // namespace linkgate::gateway
