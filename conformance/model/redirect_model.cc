// SPEC §2 as plain string operations; each rule below quotes the sentence it implements.
#include "conformance/model/redirect_model.h"

namespace linkgate::conformance::model {
namespace {

constexpr std::string_view kToken = ":provider";

bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool isSchemeText(std::string_view s) {
  if (s.empty() || !isLetter(s[0])) return false;
  for (char c : s) {
    if (!isLetter(c) && !isDigit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// RFC 3986 §2: unreserved, reserved, and '%' followed by two hex digits. Anything else (space,
// controls, non-ASCII, < > " { } | \ ^ `) means the text is not a URI.
bool isUriText(std::string_view s) {
  constexpr std::string_view kAllowed = "-._~:/?#[]@!$&'()*+,;=";
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !isHex(s[i + 1]) || !isHex(s[i + 2])) return false;
      i += 2;
    } else if (!isLetter(c) && !isDigit(c) && kAllowed.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

std::string percentDecoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && isHex(s[i + 1]) && isHex(s[i + 2])) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Host and port of an authority without userinfo: "[::1]:8080" -> {"[::1]", ":8080"}.
std::pair<std::string_view, std::string_view> splitHostPort(std::string_view authority) {
  size_t host_end = 0;
  if (!authority.empty() && authority[0] == '[') {
    host_end = authority.find(']');
    host_end = host_end == std::string_view::npos ? authority.size() : host_end + 1;
  } else {
    host_end = authority.find(':');
    if (host_end == std::string_view::npos) host_end = authority.size();
  }
  return {authority.substr(0, host_end), authority.substr(host_end)};
}

// RFC 3986 §3.2.2 dec-octet: 0-255 without leading zeros.
bool isDecOctet(std::string_view s) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  for (char c : s) {
    if (!isDigit(c)) return false;
  }
  return std::stoi(std::string(s)) <= 255;
}

bool isIpv4Text(std::string_view s) {
  for (int i = 0; i < 4; ++i) {
    const size_t dot = i < 3 ? s.find('.') : s.size();
    if (dot == std::string_view::npos || !isDecOctet(s.substr(0, dot))) return false;
    s = i < 3 ? s.substr(dot + 1) : std::string_view{};
  }
  return true;
}

// The 16-bit groups of one side of "::" (or of the whole address): h16 *( ":" h16 ), the last
// one possibly an IPv4 address (counting two). -1 when it is not that.
int groupCount(std::string_view side, bool ipv4_allowed) {
  if (side.empty()) return 0;
  int count = 0;
  while (true) {
    const size_t colon = side.find(':');
    const std::string_view piece = side.substr(0, colon);
    if (colon == std::string_view::npos && ipv4_allowed && piece.find('.') != std::string_view::npos) {
      return isIpv4Text(piece) ? count + 2 : -1;
    }
    if (piece.empty() || piece.size() > 4) return -1;
    for (char c : piece) {
      if (!isHex(c)) return -1;
    }
    ++count;
    if (colon == std::string_view::npos) return count;
    side.remove_prefix(colon + 1);
  }
}

// RFC 3986 §3.2.2: the inside of "[...]" is an IPv6address (RFC 4291 §2.2 text forms) or an
// IPvFuture ("v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )).
bool isIpLiteralInside(std::string_view in) {
  if (!in.empty() && (in[0] == 'v' || in[0] == 'V')) {
    const size_t dot = in.find('.');
    if (dot == std::string_view::npos || dot < 2 || dot + 1 == in.size()) return false;
    for (size_t i = 1; i < dot; ++i) {
      if (!isHex(in[i])) return false;
    }
    constexpr std::string_view kSubDelims = "!$&'()*+,;=";
    for (char c : in.substr(dot + 1)) {
      if (!isLetter(c) && !isDigit(c) && std::string_view("-._~:").find(c) == std::string_view::npos &&
          kSubDelims.find(c) == std::string_view::npos) {
        return false;
      }
    }
    return true;
  }
  const size_t gap = in.find("::");
  if (gap == std::string_view::npos) return groupCount(in, true) == 8;
  if (in.find("::", gap + 1) != std::string_view::npos) return false;
  const int left = groupCount(in.substr(0, gap), false);
  const int right = groupCount(in.substr(gap + 2), true);
  return left >= 0 && right >= 0 && left + right <= 7;
}

// RFC 6335: a TCP port is 1-65535; "08080" would be a second spelling of port 8080.
bool isTcpPortNumber(std::string_view digits) {
  if (digits.empty() || digits.size() > 5 || digits[0] == '0') return false;
  for (char c : digits) {
    if (!isDigit(c)) return false;
  }
  return std::stoi(std::string(digits)) <= 65535;
}

// RFC 8252 §7.3: for "http://127.0.0.1[:port]..." or "http://[::1][:port]...", the text with the
// port removed; nullopt for any other URI.
std::optional<std::string> withoutLoopbackPort(std::string_view uri) {
  for (std::string_view prefix : {"http://127.0.0.1", "http://[::1]"}) {
    if (!uri.starts_with(prefix)) continue;
    std::string_view after = uri.substr(prefix.size());
    if (!after.empty() && after[0] == ':') {
      size_t digits = 1;
      while (digits < after.size() && isDigit(after[digits])) ++digits;
      if (digits == 1) return std::nullopt;  // "host:" with no port number
      if (!isTcpPortNumber(after.substr(1, digits - 1))) return std::nullopt;
      after = after.substr(digits);
    }
    if (!after.empty() && after[0] != '/' && after[0] != '?' && after[0] != '#') {
      return std::nullopt;  // e.g. http://127.0.0.1.example.com
    }
    return std::string(prefix) + std::string(after);
  }
  return std::nullopt;
}

}  // namespace

UriPieces cutUri(std::string_view uri) {
  UriPieces p;
  const size_t sep = uri.find("://");
  if (sep == std::string_view::npos || !isSchemeText(uri.substr(0, sep))) {
    p.rest = uri;
    return p;
  }
  p.absolute = true;
  p.scheme = uri.substr(0, sep);
  const std::string_view after = uri.substr(sep + 3);
  size_t authority_end = after.find_first_of("/?#");
  if (authority_end == std::string_view::npos) authority_end = after.size();
  p.authority = after.substr(0, authority_end);
  std::string_view tail = after.substr(authority_end);
  if (const size_t hash = tail.find('#'); hash != std::string_view::npos) {
    p.has_fragment = true;
    p.fragment = tail.substr(hash + 1);
    tail = tail.substr(0, hash);
  }
  p.rest = tail;
  return p;
}

bool isProviderTokenAt(std::string_view text, size_t pos) {
  if (text.substr(pos, kToken.size()) != kToken) return false;
  const size_t next = pos + kToken.size();
  if (next == text.size()) return true;
  const char c = text[next];
  return !(isLetter(c) || isDigit(c) || c == '_' || c == '-');
}

std::string substituteProvider(std::string_view uri, std::string_view slug) {
  const UriPieces p = cutUri(uri);
  if (!p.absolute) return std::string(uri);
  // "inside the path or the query (never in scheme, host, port)": only `rest` is rewritten.
  const size_t begin = static_cast<size_t>(p.rest.data() - uri.data());
  const size_t end = begin + p.rest.size();
  std::string out(uri.substr(0, begin));
  for (size_t i = begin; i < end;) {
    if (i + kToken.size() <= end && isProviderTokenAt(uri.substr(0, end), i)) {
      out += slug;
      i += kToken.size();
    } else {
      out.push_back(uri[i]);
      ++i;
    }
  }
  out += uri.substr(end);
  return out;
}

std::optional<std::string> registrationProblem(std::string_view uri) {
  if (uri.size() > 2048) return "longer than 2048 bytes";
  if (!isUriText(uri)) return "not a URI (characters outside RFC 3986)";
  const UriPieces p = cutUri(uri);
  if (!p.absolute) return "not an absolute URI";
  if (p.has_fragment || uri.find('#') != std::string_view::npos) return "has a fragment";
  if (p.authority.find('@') != std::string_view::npos) return "has userinfo";
  // RFC 3986 §3.3, §3.4: '[' and ']' are not path or query characters.
  if (p.rest.find_first_of("[]") != std::string_view::npos) {
    return "not a URI (bracket in the path or query)";
  }
  // ":provider" anywhere before the path is a token outside path/query (or garbage).
  const std::string_view before_rest = uri.substr(0, uri.size() - p.rest.size());
  for (size_t i = 0; i < before_rest.size(); ++i) {
    if (isProviderTokenAt(before_rest, i)) return "':provider' token outside path and query";
  }
  const auto [host, port] = splitHostPort(p.authority);
  if (host.empty()) return "not an absolute URI (empty host)";
  if (host[0] == '[' && host.back() != ']') return "not a URI (unterminated IPv6 literal)";
  if (host[0] == '[' && !isIpLiteralInside(host.substr(1, host.size() - 2))) {
    return "not a URI (the IP literal is neither IPv6 nor IPvFuture)";
  }
  // RFC 3986 §3.2.2: '[' and ']' only delimit an IP literal; after the host only ":port".
  if (host[0] != '[' && host.find_first_of("[]") != std::string_view::npos) {
    return "not a URI (bracket outside an IP literal)";
  }
  if (!port.empty() && port[0] != ':') return "not a URI (junk after the host)";
  if (!port.empty()) {
    // RFC 3986 §3.2.3: port = *DIGIT, so "host:" (empty port) is still a URI; a port number
    // no TCP port can have is not.
    const std::string_view digits = port.substr(1);
    if (!digits.empty() && !isTcpPortNumber(digits)) return "bad port (not 1-65535 without leading zeros)";
  }
  const bool local_host = host == "localhost" || host == "127.0.0.1" || host == "[::1]";
  if (p.scheme != "https" && !(p.scheme == "http" && local_host)) {
    return "scheme must be https (http only on localhost, 127.0.0.1, [::1])";
  }
  if (const size_t q = p.rest.find('?'); q != std::string_view::npos) {
    std::string_view query = p.rest.substr(q + 1);
    while (true) {
      const size_t amp = query.find('&');
      const std::string_view segment = query.substr(0, amp);
      const std::string name = percentDecoded(segment.substr(0, segment.find('=')));
      for (std::string_view reserved : {"code", "state", "error", "error_description", "iss"}) {
        if (name == reserved) return "reserved query parameter '" + name + "'";
      }
      if (amp == std::string_view::npos) break;
      query = query.substr(amp + 1);
    }
  }
  return std::nullopt;
}

std::optional<std::string> allowedDestination(const std::vector<std::string>& registered,
                                              std::string_view requested,
                                              std::string_view slug) {
  const std::string d = substituteProvider(requested, slug);
  // "any port" means a port: 0, 65536, 99999 or 08080 is no destination at all.
  const UriPieces dp = cutUri(d);
  if (dp.absolute) {
    std::string_view authority = dp.authority;
    authority.remove_prefix(authority.rfind('@') == std::string_view::npos ? 0 : authority.rfind('@') + 1);
    const std::string_view port = splitHostPort(authority).second;
    if (port.size() > 1 && port[0] == ':' && !isTcpPortNumber(port.substr(1))) return std::nullopt;
  }
  const std::optional<std::string> d_portless = withoutLoopbackPort(d);
  for (const std::string& r : registered) {
    const std::string r_subst = substituteProvider(r, slug);
    if (r_subst == d) return d;
    const std::optional<std::string> r_portless = withoutLoopbackPort(r_subst);
    if (r_portless && d_portless && *r_portless == *d_portless) return d;
  }
  return std::nullopt;
}

}  // namespace linkgate::conformance::model
