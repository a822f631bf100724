// RFC 3986 URI references: parse into components (kept raw, still percent-encoded) and
// serialize back. serialize(parse(s)) == s for every s that parse accepts.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace linkgate {

struct Url {
  std::string scheme;                   // as written (case kept); empty for a relative ref
  bool has_authority = false;           // "//" present
  std::optional<std::string> userinfo;  // before '@', raw
  std::string host;                     // raw; IPv6 literals keep their brackets
  std::optional<std::string> port;      // digits as written; "" for "host:" with no digits
  std::string path;                     // raw
  std::optional<std::string> query;     // after '?', raw; "" for a bare '?'
  std::optional<std::string> fragment;  // after '#', raw

  // Parses an absolute URI or relative reference. Rejects (id "bad_url") control characters,
  // spaces, non-ASCII bytes, characters outside RFC 3986, malformed escapes, bad ports (> 65535
  // or non-digits), a bad scheme, an unterminated IPv6 literal. Never throws.
  static Result<Url> parse(std::string_view text);
  // Like parse but also requires a scheme and an authority with a non-empty host.
  static Result<Url> parseAbsolute(std::string_view text);

  std::string serialize() const;
  // Port number, or the scheme default (http 80, https 443), or nullopt.
  std::optional<int> effectivePort() const;
  // "scheme://authority" of this URL.
  std::string origin() const;
  bool operator==(const Url&) const = default;
};

}  // namespace linkgate
