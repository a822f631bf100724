// The HTML the simulator serves: the consent page (a fixed form the conformance suite's user
// agent parses, see README.md) and error pages, in the shared Linkgate page frame, clearly
// labelled as the simulator. Everything echoed is escaped (SPEC §7); the page CSP lets nothing
// load and no script run.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "simulator/profile.h"
#include "web/http.h"

namespace linkgate::sim {

// 200 page with <form method="post" action="/{slug}/_consent">: the hidden consent id, the
// user picker (<select name="user">) and the approve / deny buttons (name="decision"). Shows
// the client, the redirect URI the answer goes to and each requested scope.
web::Response consentPage(const Profile& profile, const std::string& consent_id,
                          const std::string& client_id, const std::vector<std::string>& scopes,
                          const std::string& redirect_uri = {});
// What a scope means, for the standard scopes of OpenID Connect Core §5.4 / §11; "" if unknown.
std::string_view scopeMeaning(std::string_view scope);
// An error page that redirects nowhere (RFC 6749 §4.1.2.1); JSON when the client asks for it.
web::Response errorPage(const web::Request& request, int status, const std::string& error,
                        const std::string& description);

}  // namespace linkgate::sim
