// Small validators shared by the handlers: parameter hygiene (SPEC §7, issue 5 "bad input"),
// UUIDs, and the one way the gateway appends its answer to an integrator's redirect URI.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/ascii.h"  // lowerAscii, used with these checks
#include "core/params.h"
#include "core/random.h"
#include "gateway/errors.h"

namespace linkgate::gateway {

bool isValidUtf8(std::string_view text);
// CR, LF, NUL or any other C0 control or DEL.
bool hasControlChars(std::string_view text);
// Canonical 8-4-4-4-12 hex UUID (either case).
bool isUuid(std::string_view text);
std::string newUuid(RandomSource& random);

// A parameter's value when it is present once, clean UTF-8 without control characters and at
// most max_bytes long; nullopt when absent. Errors name the parameter, never echo the value.
GwResult<std::optional<std::string>> cleanParam(const Params& params,
                                                                   std::string_view name,
                                                                   size_t max_bytes = 4096);

// A list's `limit` parameter: absent = fallback; else an integer from 1 to max (errors say so).
GwResult<int64_t> pageLimit(const Params& params, int64_t fallback, int64_t max);

// Provider- or user-supplied text for a description: control characters become spaces, at most
// max bytes (then "..."), and "(not UTF-8)" when it is not UTF-8.
std::string printableExcerpt(std::string_view text, size_t max = 200);

// SPEC §1.3: the redirect URI with `extra` appended (percent-encoded), existing query kept.
std::string appendToRedirect(const std::string& redirect_uri, const Params& extra);

}  // namespace linkgate::gateway
