// Redirect-URI matching and registration (SPEC §2), written to be obviously byte-exact.
#include "gateway/redirect_uri.h"

#include <array>

#include "core/params.h"
#include "core/url.h"

namespace linkgate::gateway {
namespace {

constexpr std::string_view kToken = ":provider";

bool isTokenContinuation(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). Text before "://"
// that is not a scheme means the whole is no URI: nothing in it is a path to substitute in.
bool isScheme(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  for (char c : s) {
    if (!isTokenContinuation(c) && c != '+' && c != '.') return false;
    if (c == '_') return false;
  }
  return true;
}

// Offset where the path starts (after "scheme://authority"), or npos when uri has no "://".
size_t pathStart(std::string_view uri) {
  const size_t sep = uri.find("://");
  if (sep == std::string_view::npos || !isScheme(uri.substr(0, sep))) return std::string_view::npos;
  const size_t end = uri.find_first_of("/?#", sep + 3);
  return end == std::string_view::npos ? uri.size() : end;
}

// Offsets [begin, end) of every token in s.
std::vector<size_t> tokenPositions(std::string_view s) {
  std::vector<size_t> out;
  for (size_t pos = s.find(kToken); pos != std::string_view::npos;
       pos = s.find(kToken, pos + 1)) {
    const size_t after = pos + kToken.size();
    if (after < s.size() && isTokenContinuation(s[after])) continue;
    out.push_back(pos);
  }
  return out;
}

// RFC 6335: a TCP port is 1-65535. Written without leading zeros: "08080" would be a second
// spelling of one port, and SPEC §2 compares bytes.
bool isTcpPort(std::string_view digits) {
  if (digits.empty() || digits.size() > 5 || digits.front() == '0') return false;
  int value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value <= 65535;
}

// The port text of uri's authority ("" when there is none or it is empty).
std::string_view portOf(std::string_view uri) {
  const size_t sep = uri.find("://");
  if (sep == std::string_view::npos || !isScheme(uri.substr(0, sep))) return {};
  std::string_view authority = uri.substr(sep + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  size_t colon = std::string_view::npos;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close != std::string_view::npos && close + 1 < authority.size() &&
        authority[close + 1] == ':') {
      colon = close + 1;
    }
  } else {
    colon = authority.find(':');
  }
  return colon == std::string_view::npos ? std::string_view{} : authority.substr(colon + 1);
}

// For "http://127.0.0.1[:port]REST" or "http://[::1][:port]REST" (REST empty or starting with
// '/', '?' or '#'): the URI without its port. nullopt for anything else.
std::optional<std::string> loopbackWithoutPort(std::string_view uri) {
  for (std::string_view prefix : {std::string_view("http://127.0.0.1"),
                                  std::string_view("http://[::1]")}) {
    if (!uri.starts_with(prefix)) continue;
    std::string_view rest = uri.substr(prefix.size());
    if (!rest.empty() && rest.front() == ':') {
      size_t digits = 1;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
      if (!isTcpPort(rest.substr(1, digits - 1))) return std::nullopt;
      rest.remove_prefix(digits);
    }
    if (!rest.empty() && rest.front() != '/' && rest.front() != '?' && rest.front() != '#') {
      return std::nullopt;
    }
    return std::string(prefix) + std::string(rest);
  }
  return std::nullopt;
}

}  // namespace

std::string substituteProvider(std::string_view uri, std::string_view slug) {
  const size_t start = pathStart(uri);
  if (start == std::string_view::npos) return std::string(uri);
  size_t end = uri.find('#', start);
  if (end == std::string_view::npos) end = uri.size();
  const std::string_view middle = uri.substr(start, end - start);
  std::string out(uri.substr(0, start));
  size_t copied = 0;
  for (size_t pos : tokenPositions(middle)) {
    out.append(middle.substr(copied, pos - copied));
    out.append(slug);
    copied = pos + kToken.size();
  }
  out.append(middle.substr(copied));
  out.append(uri.substr(end));
  return out;
}

std::optional<std::string> matchRedirectUri(std::string_view requested, std::string_view slug,
                                            const std::vector<std::string>& registered) {
  const std::string d = substituteProvider(requested, slug);
  // A port no TCP socket can have (0, 65536, 99999) or a second spelling of one (08080) is
  // never a destination, whatever was registered.
  if (const auto port = portOf(d); !port.empty() && !isTcpPort(port)) return std::nullopt;
  const auto d_loopback = loopbackWithoutPort(d);
  for (const auto& r : registered) {
    const std::string sr = substituteProvider(r, slug);
    if (sr == d) return d;
    // RFC 8252 §7.3: loopback IP redirect URIs match with any port.
    if (d_loopback) {
      const auto r_loopback = loopbackWithoutPort(sr);
      if (r_loopback && *r_loopback == *d_loopback) return d;
    }
  }
  return std::nullopt;
}

Status validateRedirectUriRegistration(std::string_view uri) {
  auto bad = [](std::string why) { return fail("invalid_redirect_uri", std::move(why)); };
  if (uri.size() > 2048) return bad("redirect URI is longer than 2048 bytes");
  auto url = Url::parse(uri);
  if (!url) return bad("not a valid URI: " + url.error().message);
  if (url->scheme.empty() || !url->has_authority || url->host.empty()) {
    return bad("redirect URI must be absolute (scheme://host/...)");
  }
  if (url->fragment) return bad("redirect URI must not have a fragment");
  if (url->port && !url->port->empty() && !isTcpPort(*url->port)) {
    return bad("redirect URI port must be 1-65535, written without leading zeros");
  }
  if (url->userinfo) return bad("redirect URI must not have userinfo");
  if (url->scheme == "http") {
    if (url->host != "localhost" && url->host != "127.0.0.1" && url->host != "[::1]") {
      return bad("http is only allowed for localhost, 127.0.0.1 and [::1]; use https");
    }
  } else if (url->scheme != "https") {
    return bad("scheme must be https (or http on a loopback host)");
  }
  const size_t start = pathStart(uri);
  if (!tokenPositions(uri.substr(0, start)).empty()) {
    return bad("the :provider token is only allowed in the path or the query");
  }
  if (url->query) {
    auto params = Params::parse(*url->query);
    if (!params) return bad("query string has a bad percent escape");
    static constexpr std::array<std::string_view, 5> kReserved = {"code", "state", "error",
                                                                  "error_description", "iss"};
    for (const auto& [name, value] : params->items()) {
      for (auto reserved : kReserved) {
        if (name == reserved) {
          return bad("query parameter '" + name + "' is reserved for the gateway's answer");
        }
      }
    }
  }
  return {};
}

}  // namespace linkgate::gateway
