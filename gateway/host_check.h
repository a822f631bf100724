// The "localhost vs 127.0.0.1" trap: a browser that starts a flow at another host name than
// the public URL's gets the flow cookie for that host, and the provider sends it back to the
// public URL, where the cookie is missing (flow_cookie_mismatch). /start checks the Host first
// and answers a page that explains it (a page, never a redirect: SPEC §1.1).
#pragma once
#include <optional>
#include <string>

#include "web/http.h"

namespace linkgate::gateway {

// The host:port the request was sent to (X-Forwarded-Host, else Host), lower-cased, with the
// scheme's default port made explicit; nullopt when the request names none.
std::optional<std::string> requestAuthority(const web::Request& request,
                                            const std::string& scheme);

// A 400 page naming both hosts and linking to the same request at the public URL, when the
// request came to another loopback host name than public_url's (localhost vs 127.0.0.1);
// nullopt otherwise: same name (ports do not matter to cookies), no Host, or a non-loopback
// name on either side (a reverse proxy may send its upstream's Host).
std::optional<web::Response> publicHostMismatch(const web::Request& request,
                                                const std::string& public_url);

}  // namespace linkgate::gateway
