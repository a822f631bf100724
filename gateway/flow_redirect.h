// The flow's answers to the integrator's redirect URI (RFC 6749 §4.1.2, §4.1.2.1): the
// integrator's state and the gateway's issuer (RFC 9207) ride along every time.
#pragma once
#include <optional>
#include <string>

#include "core/params.h"
#include "gateway/errors.h"
#include "gateway/pages.h"
#include "web/http.h"

namespace linkgate::gateway {

// 302 to redirect_uri with `answer`, the integrator's state and iss=public_url.
web::Response redirectWith(const std::string& public_url, const std::string& redirect_uri,
                           Params answer, const std::optional<std::string>& state);

// An error for the integrator (error, error_description) as that redirect, or with debug the
// diagnostics page whose "continue" link is the redirect.
web::Response redirectError(const web::Request& request, const std::string& public_url,
                            const std::string& redirect_uri,
                            const std::optional<std::string>& state, const GatewayError& error,
                            bool debug, Diagnostics diagnostics);

}  // namespace linkgate::gateway
