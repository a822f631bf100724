// RFC 3986 URI-reference parser and serializer. Components stay raw (percent-encoded) so that
// serialize(parse(s)) == s; validation follows the ABNF of RFC 3986 §3 and Appendix A.
#include "core/url.h"

#include <arpa/inet.h>

#include <cstring>

namespace linkgate {
namespace {

bool isAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool isUnreserved(char c) {
  return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool isSubDelim(char c) { return c != '\0' && std::strchr("!$&'()*+,;=", c) != nullptr; }

// True when every character of s is in `extra`, unreserved, a sub-delim, or a valid %XX.
bool allowed(std::string_view s, const char* extra) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) return false;
      i += 2;
    } else if (!isUnreserved(c) && !isSubDelim(c) && std::strchr(extra, c) == nullptr) {
      return false;
    }
  }
  return true;
}

Status bad(std::string message) { return fail("bad_url", std::move(message)); }

bool validScheme(std::string_view s) {
  if (s.empty() || !isAlpha(s[0])) return false;
  for (char c : s) {
    if (!isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// RFC 3986 §3.2.2: IP-literal = "[" ( IPv6address / IPvFuture ) "]", brackets stripped here.
bool validIpLiteral(std::string_view inner) {
  if (!inner.empty() && (inner[0] == 'v' || inner[0] == 'V')) {
    const size_t dot = inner.find('.');
    if (dot == std::string_view::npos || dot < 2 || dot + 1 == inner.size()) return false;
    for (size_t i = 1; i < dot; ++i) {
      if (!isHex(inner[i])) return false;
    }
    const std::string_view rest = inner.substr(dot + 1);
    return rest.find('%') == std::string_view::npos && allowed(rest, ":");
  }
  if (inner.size() > 45) return false;
  const std::string copy(inner);
  in6_addr addr;
  return inet_pton(AF_INET6, copy.c_str(), &addr) == 1;
}

Status parseAuthority(std::string_view auth, Url& url) {
  const size_t at = auth.find('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = auth.substr(0, at);
    if (!allowed(userinfo, ":")) return bad("invalid character or escape in userinfo");
    url.userinfo = std::string(userinfo);
    auth.remove_prefix(at + 1);
  }
  std::string_view rest;
  if (!auth.empty() && auth[0] == '[') {
    const size_t close = auth.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 literal");
    if (!validIpLiteral(auth.substr(1, close - 1))) return bad("invalid IP literal");
    url.host = std::string(auth.substr(0, close + 1));
    rest = auth.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return bad("junk after IP literal");
  } else {
    const size_t colon = auth.find(':');
    const std::string_view host = auth.substr(0, colon);
    if (!allowed(host, "")) return bad("invalid character or escape in host");
    url.host = std::string(host);
    if (colon != std::string_view::npos) rest = auth.substr(colon);
  }
  if (!rest.empty()) {
    const std::string_view port = rest.substr(1);
    long value = 0;
    for (char c : port) {
      if (!isDigit(c)) return bad("port is not a number");
      value = value * 10 + (c - '0');
      if (value > 65535) return bad("port out of range");
    }
    url.port = std::string(port);
  }
  return {};
}

}  // namespace

Result<Url> Url::parse(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return fail("bad_url", "control, space or non-ASCII character");
  }
  Url url;
  std::string_view rest = text;

  const size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    const std::string_view fragment = rest.substr(hash + 1);
    if (!allowed(fragment, ":@/?")) return fail("bad_url", "invalid character in fragment");
    url.fragment = std::string(fragment);
    rest = rest.substr(0, hash);
  }
  const size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    const std::string_view query = rest.substr(question + 1);
    if (!allowed(query, ":@/?")) return fail("bad_url", "invalid character in query");
    url.query = std::string(query);
    rest = rest.substr(0, question);
  }
  // RFC 3986 §4.2: a ':' before any '/' is a scheme delimiter; a relative reference's first
  // segment may not contain one.
  const size_t delim = rest.find_first_of(":/");
  if (delim != std::string_view::npos && rest[delim] == ':') {
    const std::string_view scheme = rest.substr(0, delim);
    if (!validScheme(scheme)) return fail("bad_url", "bad scheme");
    url.scheme = std::string(scheme);
    rest.remove_prefix(delim + 1);
  }
  if (rest.starts_with("//")) {
    url.has_authority = true;
    rest.remove_prefix(2);
    const size_t slash = rest.find('/');
    if (auto ok = parseAuthority(rest.substr(0, slash), url); !ok) {
      return std::unexpected(ok.error());
    }
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  if (!allowed(rest, ":@/")) return fail("bad_url", "invalid character or escape in path");
  url.path = std::string(rest);
  return url;
}

Result<Url> Url::parseAbsolute(std::string_view text) {
  auto url = parse(text);
  if (!url) return url;
  if (url->scheme.empty()) return fail("bad_url", "absolute URL required: missing scheme");
  if (!url->has_authority || url->host.empty()) {
    return fail("bad_url", "absolute URL required: missing host");
  }
  return url;
}

std::string Url::serialize() const {
  std::string out;
  if (!scheme.empty()) out += scheme + ":";
  if (has_authority) {
    out += "//";
    if (userinfo) out += *userinfo + "@";
    out += host;
    if (port) out += ":" + *port;
  }
  out += path;
  if (query) out += "?" + *query;
  if (fragment) out += "#" + *fragment;
  return out;
}

std::optional<int> Url::effectivePort() const {
  if (port && !port->empty()) {
    int value = 0;
    for (char c : *port) {
      if (!isDigit(c)) return std::nullopt;
      value = value * 10 + (c - '0');
      if (value > 65535) return std::nullopt;
    }
    return value;
  }
  std::string lower;
  for (char c : scheme) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  if (lower == "http") return 80;
  if (lower == "https") return 443;
  return std::nullopt;
}

std::string Url::origin() const {
  // Userinfo is deliberately left out: it is not part of an origin (RFC 6454 §4).
  std::string out = scheme + "://" + host;
  if (port && !port->empty()) out += ":" + *port;
  return out;
}

}  // namespace linkgate
