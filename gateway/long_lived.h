// Issue 13: long-lived tokens (Instagram, Facebook). The token_upgrade call made right after the
// code exchange, the `long_lived` property a credential so upgraded carries, and the renewal's
// minimum-age rule (catalogue refresh.presents / min_token_age_seconds).
#pragma once
#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "core/http_client.h"
#include "core/json.h"
#include "gateway/catalogue.h"
#include "gateway/dialect_engine.h"
#include "gateway/provider_urls.h"

namespace linkgate::gateway {

// The dialect's token_upgrade call presenting access_token. Fails "bad_connection_param" when
// its URL cannot be filled.
Result<HttpRequest> tokenUpgradeRequest(const Dialect& dialect, const ProviderUrls& urls,
                                        const std::string& access_token,
                                        const std::string& client_id,
                                        const std::string& client_secret,
                                        const ConnectionValues& params);

// Reads the upgrade answer into `tokens`: its access token, expiry and token type replace the
// first answer's, whose granted scopes and extra fields stay. Errors as parseTokenAnswer.
Status applyTokenUpgrade(const Dialect& dialect, const HttpResponse& answer, TimePoint now,
                         TokenSet& tokens);

// The credential property "long_lived" for a long-lived token issued at `now` (Unix seconds):
// {"issued_at": RFC 3339, "renewable_after": RFC 3339}.
Json longLivedProperty(const Dialect& dialect, int64_t now);

// True when a credential with these properties can be refreshed: it has a refresh token, or a
// long-lived access token that is renewed itself.
bool renewable(const Json& properties);

// The token a refresh presents (refresh.presents): the refresh token or the access token;
// empty when the credential has none.
std::string renewalToken(const Dialect& dialect, const Json& properties);

// Seconds until the credential's long-lived token is old enough to be renewed (refresh.
// min_token_age_seconds); 0 when it may be renewed now or the dialect has no such rule. A
// token of unknown age (imported) counts as old enough: the provider decides.
int64_t secondsUntilRenewable(const Dialect& dialect, const Json& properties, int64_t now);

}  // namespace linkgate::gateway
