// Host check of /start (see host_check.h).
#include "gateway/host_check.h"

#include <algorithm>

#include "core/url.h"
#include "gateway/pages.h"

namespace linkgate::gateway {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string withPort(const std::string& host, std::optional<int> port) {
  return port ? host + ":" + std::to_string(*port) : host;
}

}  // namespace

std::optional<std::string> requestAuthority(const web::Request& request,
                                            const std::string& scheme) {
  auto host = request.header("x-forwarded-host");
  if (!host) host = request.header("host");
  if (!host || host->empty()) return std::nullopt;
  std::string value = *host;
  if (auto comma = value.find(','); comma != std::string::npos) value.resize(comma);  // first hop
  while (!value.empty() && value.back() == ' ') value.pop_back();
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  auto url = Url::parseAbsolute(scheme + "://" + value + "/");
  if (!url || url->userinfo) return lower(value);  // not a host: never equal to the public one
  return withPort(lower(url->host), url->effectivePort());
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
  auto expected_url = Url::parseAbsolute(public_url);
  if (!expected_url) return std::nullopt;
  const std::string scheme = lower(expected_url->scheme);
  const std::string expected =
      withPort(lower(expected_url->host), expected_url->effectivePort());
  auto actual = requestAuthority(request, scheme);
  if (!actual || *actual == expected) return std::nullopt;
  // Cookies are per host name, not per port, and a reverse proxy in front of the gateway may
  // send its upstream's Host: only a different loopback name (localhost vs 127.0.0.1, the dev
  // trap) loses the flow cookie for sure.
  const std::string want = hostOf(expected), got = hostOf(*actual);
  if (want == got || !isLoopbackName(want) || !isLoopbackName(got)) return std::nullopt;
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string prefix = expected_url->path;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  // The same path and query at the public URL (the prefix once, whether or not a proxy kept it).
  std::string target = request.target;
  if (!prefix.empty() && target.starts_with(prefix + "/")) target.erase(0, prefix.size());
  return hostMismatchPage(request, *actual, expected, base + target);
}

}  // namespace linkgate::gateway
