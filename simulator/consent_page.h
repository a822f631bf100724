// The HTML the simulator serves: the consent page (a fixed form the conformance suite's user
// agent parses, see README.md) and error pages. Everything echoed is escaped (SPEC §7).
#pragma once
#include <string>
#include <vector>

#include "simulator/profile.h"
#include "web/http.h"

namespace linkgate::sim {

// 200 page with <form method="post" action="/{slug}/_consent">, the hidden consent id, the
// user picker and the approve / deny buttons.
web::Response consentPage(const Profile& profile, const std::string& consent_id,
                          const std::string& client_id, const std::vector<std::string>& scopes);
// An error page that redirects nowhere (RFC 6749 §4.1.2.1); JSON when the client asks for it.
web::Response errorPage(const web::Request& request, int status, const std::string& error,
                        const std::string& description);

}  // namespace linkgate::sim
