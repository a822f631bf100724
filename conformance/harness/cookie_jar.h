// A browser's cookie jar, small subset of RFC 6265: host-only cookies, Path, Max-Age/Expires
// deletion, Secure; attributes kept so checks can inspect HttpOnly and SameSite.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkgate::conformance {

struct Cookie {
  std::string name;
  std::string value;
  std::string host;  // the request host that set it (host-only cookie)
  std::string path;
  bool secure = false;
  bool http_only = false;
  std::optional<std::string> same_site;
  bool expired = false;  // Max-Age <= 0 or Expires in the past: a deletion
  std::string raw;       // the Set-Cookie header value as received
};

// Parses one Set-Cookie header value received for `request_url`; nullopt when unusable.
std::optional<Cookie> parseSetCookie(std::string_view request_url, std::string_view header);

class CookieJar {
 public:
  // Stores (or deletes) the cookie a Set-Cookie header received for `request_url` describes.
  void store(std::string_view request_url, std::string_view set_cookie);
  // The Cookie header value a browser would send to `url`, or nullopt when none applies.
  std::optional<std::string> headerFor(std::string_view url) const;
  const std::vector<Cookie>& cookies() const { return cookies_; }
  void clear() { cookies_.clear(); }

 private:
  std::vector<Cookie> cookies_;
};

}  // namespace linkgate::conformance
