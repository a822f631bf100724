// The flow cookie (RFC 9700 §4.7.1): one per flow, named after the gateway state, scoped to the
// callback path; it binds a flow to the browser that started it.
#pragma once
#include <cstdint>
#include <string>

namespace linkgate::gateway {

// The flow cookie's name for a gateway state.
std::string flowCookieName(const std::string& state);

// The Set-Cookie value that gives the browser `value` for `max_age` seconds.
std::string flowCookieSet(const std::string& public_url, const std::string& state,
                          const std::string& value, int64_t max_age);

// The Set-Cookie value that removes the flow cookie (the flow is used).
std::string flowCookieClear(const std::string& public_url, const std::string& state);

}  // namespace linkgate::gateway
