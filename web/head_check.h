// Strict judgement of an HTTP/1.1 request head (RFC 9112) before Pistache 0.0.5 parses it.
// Pistache reads `Content-Length: -1` as 2^64-1 (500 with library text), lets the first of two
// Content-Lengths win (request smuggling behind a proxy), waits forever on bare LF or a header
// line without a colon, and accepts obs-fold. The adapter runs this on the bytes received so far
// and answers 400 itself, at once, in the JSON error contract.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linkgate::web {

struct HeadVerdict {
  enum Kind { kIncomplete, kComplete, kReject };
  Kind kind = kIncomplete;
  size_t head_size = 0;                       // kComplete: bytes up to and including CRLFCRLF
  std::optional<uint64_t> content_length;     // kComplete: the one valid Content-Length
  bool chunked = false;                       // kComplete: Transfer-Encoding: chunked
  int status = 0;                             // kReject: 400 (malformed) or 413 (too large)
  std::string description;                    // kReject: for error_description (no input echoed)
};

// `bytes` starts at the request line and may end anywhere (a head arriving in pieces). Every
// complete line is judged at once, so a malformed head is refused before it is finished.
// A head longer than max_head_bytes without its end is refused with 413.
HeadVerdict checkRequestHead(std::string_view bytes, size_t max_head_bytes);

}  // namespace linkgate::web
