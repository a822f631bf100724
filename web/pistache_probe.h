// Would Pistache 0.0.5 answer a request head itself instead of handing it to the adapter?
// Its parser raises on an HTTP method it does not know (400 with its own text), on a Cookie or
// Set-Cookie field it cannot split (500 with library text) and on a value of one of its typed
// headers it cannot parse (a malformed Content-Type is a plain-text 415). This asks the same
// questions of the same Pistache code, on the fields that reach it, without a parser per request:
// the method against its table, and each Cookie, Set-Cookie and registered field's value through
// the parse Pistache itself runs on it.
#pragma once
#include <string_view>

namespace linkgate::web {

enum class PistacheHead { kReads, kUnknownMethod, kUnreadableField };

// `head`: a complete request head, request line to the empty line, that checkRequestHead
// accepted (CRLF lines, one well-formed request line, no obs-fold).
PistacheHead pistacheReadsHead(std::string_view head);

}  // namespace linkgate::web
