// The integrator's end user of a flow (SPEC §9, docs/CONTRACT.md C-9.1): read from /start's
// query or start-auth's / import's JSON body, validated, carried sealed in the flow record and
// kept on the credential.
#pragma once
#include <optional>
#include <string>

#include "core/json.h"
#include "gateway/errors.h"
#include "gateway/store.h"

namespace linkgate::gateway {

inline constexpr size_t kMaxEndUserIdBytes = 256;
inline constexpr size_t kMaxEndUserEmailBytes = 320;  // RFC 5321 §4.5.3.1: 64 + @ + 255
inline constexpr size_t kMaxEndUserNameBytes = 256;

// The three wire fields: end_user_id, end_user_email, end_user_display_name (nullopt =
// absent). Rules: the id is 1..256 bytes of printable ASCII (0x20..0x7E); the e-mail at most
// 320 bytes of printable ASCII without spaces, local@domain; the display name at most 256
// bytes of UTF-8 without control characters. Display fields need an id. Errors are
// invalid_request naming the field, never echoing the value.
GwResult<EndUser> checkEndUser(const std::optional<std::string>& id,
                               const std::optional<std::string>& email,
                               const std::optional<std::string>& display_name);

// The same fields read from a JSON object (absent or null = absent; another type = an error).
GwResult<EndUser> endUserFromBody(const Json& body);

// At rest: {"id", "email"?, "display_name"?} or null (no end user).
Json endUserRecord(const EndUser& user);
EndUser endUserFromRecord(const Json* record);

// Adds end_user_id / end_user_email / end_user_display_name (null when absent) to an answer.
void addEndUserFields(Json& answer, const EndUser& user);

}  // namespace linkgate::gateway
