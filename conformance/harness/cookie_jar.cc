// RFC 6265 §5.2 (parsing), §5.1.4 (path match) and §5.4 (Cookie header) in the subset a flow
// needs.
#include "conformance/harness/cookie_jar.h"

#include <ctime>

#include "core/url.h"

namespace linkgate::conformance {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return out;
}

struct Target {
  std::string scheme, host, path;
};

std::optional<Target> target(std::string_view url) {
  auto u = Url::parseAbsolute(url);
  if (!u) return std::nullopt;
  return Target{lower(u->scheme), lower(u->host), u->path.empty() ? "/" : u->path};
}

// RFC 6265 §5.1.4 default-path.
std::string defaultPath(const std::string& path) {
  if (path.empty() || path[0] != '/') return "/";
  const size_t last = path.rfind('/');
  return last == 0 ? "/" : path.substr(0, last);
}

bool pathMatches(const std::string& request_path, const std::string& cookie_path) {
  if (request_path == cookie_path) return true;
  if (!request_path.starts_with(cookie_path)) return false;
  return cookie_path.ends_with("/") || request_path[cookie_path.size()] == '/';
}

bool expiresInPast(std::string_view value) {
  std::tm tm{};
  const std::string text(value);
  if (strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm) == nullptr) return false;
  return timegm(&tm) <= std::time(nullptr);
}

}  // namespace

std::optional<Cookie> parseSetCookie(std::string_view request_url, std::string_view header) {
  auto t = target(request_url);
  if (!t) return std::nullopt;
  Cookie c;
  c.raw = std::string(header);
  c.host = t->host;
  c.path = defaultPath(t->path);
  size_t semi = header.find(';');
  const std::string_view pair = header.substr(0, semi);
  const size_t eq = pair.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  c.name = std::string(trim(pair.substr(0, eq)));
  c.value = std::string(trim(pair.substr(eq + 1)));
  if (c.name.empty()) return std::nullopt;
  while (semi != std::string_view::npos) {
    const size_t start = semi + 1;
    semi = header.find(';', start);
    const std::string_view attr = header.substr(start, semi == std::string_view::npos
                                                           ? std::string_view::npos
                                                           : semi - start);
    const size_t aeq = attr.find('=');
    const std::string name = lower(trim(attr.substr(0, aeq)));
    const std::string_view value =
        aeq == std::string_view::npos ? std::string_view() : trim(attr.substr(aeq + 1));
    if (name == "path" && value.starts_with("/")) {
      c.path = std::string(value);
    } else if (name == "secure") {
      c.secure = true;
    } else if (name == "httponly") {
      c.http_only = true;
    } else if (name == "samesite") {
      c.same_site = std::string(value);
    } else if (name == "max-age") {
      const std::string v(value);
      if (!v.empty() && (v[0] == '-' || v.find_first_not_of('0') == std::string::npos)) {
        c.expired = true;
      }
    } else if (name == "expires") {
      c.expired = c.expired || expiresInPast(value);
    }
  }
  return c;
}

void CookieJar::store(std::string_view request_url, std::string_view set_cookie) {
  auto cookie = parseSetCookie(request_url, set_cookie);
  if (!cookie) return;
  std::erase_if(cookies_, [&](const Cookie& c) {
    return c.name == cookie->name && c.host == cookie->host && c.path == cookie->path;
  });
  if (!cookie->expired) cookies_.push_back(std::move(*cookie));
}

std::optional<std::string> CookieJar::headerFor(std::string_view url) const {
  auto t = target(url);
  if (!t) return std::nullopt;
  std::string header;
  for (const Cookie& c : cookies_) {
    if (c.host != t->host || !pathMatches(t->path, c.path)) continue;
    if (c.secure && t->scheme != "https") continue;
    if (!header.empty()) header += "; ";
    header += c.name + "=" + c.value;
  }
  if (header.empty()) return std::nullopt;
  return header;
}

}  // namespace linkgate::conformance
