// Host check of /start (see host_check.h).
#include "gateway/host_check.h"

#include "core/ascii.h"
#include "core/url.h"
#include "gateway/pages.h"

namespace linkgate::gateway {
namespace {

std::string withPort(const std::string& host, std::optional<int> port) {
  return port ? host + ":" + std::to_string(*port) : host;
}

}  // namespace

std::optional<std::string> requestAuthority(const web::Request& request,
                                            const std::string& scheme) {
  auto host = request.header("x-forwarded-host");
  if (!host) host = request.header("host");
  if (!host || host->empty()) return std::nullopt;
  // Issue 10: a thread sees the same Host again and again; its last answer is kept.
  struct Last {
    std::string scheme, header, authority;
  };
  thread_local Last last;
  if (last.header == *host && last.scheme == scheme && !last.authority.empty()) {
    return last.authority;
  }
  std::string value = *host;
  if (auto comma = value.find(','); comma != std::string::npos) value.resize(comma);  // first hop
  while (!value.empty() && value.back() == ' ') value.pop_back();
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  auto url = Url::parseAbsolute(scheme + "://" + value + "/");
  // Not a host: never equal to the public one.
  std::string authority = !url || url->userinfo
                              ? lowerAscii(value)
                              : withPort(lowerAscii(url->host), url->effectivePort());
  last = {scheme, *host, authority};
  return authority;
}

static bool isLoopbackName(const std::string& host) {
  return host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.") ||
         host == "[::1]";
}

static std::string hostOf(const std::string& authority) {
  if (authority.starts_with("[")) return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.rfind(':'));
}

std::optional<web::Response> publicHostMismatch(const web::Request& request,
                                                const std::string& public_url) {
  // The public URL is the same on every request: parsed once per thread while it is.
  struct Public {
    std::string url, scheme, expected, path;
    bool valid = false;
  };
  thread_local Public pub;
  if (pub.url != public_url || pub.url.empty()) {
    auto parsed = Url::parseAbsolute(public_url);
    pub = {public_url, "", "", "", parsed.has_value()};
    if (parsed) {
      pub.scheme = lowerAscii(parsed->scheme);
      pub.expected = withPort(lowerAscii(parsed->host), parsed->effectivePort());
      pub.path = parsed->path;
    }
  }
  if (!pub.valid) return std::nullopt;
  const std::string& scheme = pub.scheme;
  const std::string& expected = pub.expected;
  auto actual = requestAuthority(request, scheme);
  if (!actual || *actual == expected) return std::nullopt;
  // Cookies are per host name, not per port, and a reverse proxy in front of the gateway may
  // send its upstream's Host: only a different loopback name (localhost vs 127.0.0.1, the dev
  // trap) loses the flow cookie for sure.
  const std::string want = hostOf(expected), got = hostOf(*actual);
  if (want == got || !isLoopbackName(want) || !isLoopbackName(got)) return std::nullopt;
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string prefix = pub.path;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  // The same path and query at the public URL (the prefix once, whether or not a proxy kept it).
  std::string target = request.target;
  if (!prefix.empty() && target.starts_with(prefix + "/")) target.erase(0, prefix.size());
  return hostMismatchPage(request, *actual, expected, base + target);
}

}  // namespace linkgate::gateway
