// Parses the raw bytes of one HTTP/1.1 request head ("GET /p?q HTTP/1.1\r\nName: v\r\n...")
// into method, target, path, query and headers. Pistache 0.0.5 drops duplicate query keys and
// the raw query (shared/PISTACHE.md), so the adapter re-reads the head from its own bytes.
#pragma once
#include <string_view>

#include "core/error.h"
#include "web/http.h"

namespace linkgate::web {

// Fills method, target, path, raw_query, has_query and headers (lower-cased names) of a
// Request from the request head. Fails "bad_request_line" on a malformed first line.
Result<Request> parseRequestHead(std::string_view head);

}  // namespace linkgate::web
