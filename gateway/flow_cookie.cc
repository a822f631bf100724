#include "gateway/flow_cookie.h"

#include "core/crypto.h"
#include "core/url.h"

namespace linkgate::gateway {
namespace {

// {public path}/link/oauth2/callback: the cookie goes only to the callbacks.
std::string cookiePath(const std::string& public_url) {
  // The public URL is the same on every request: its path is worked out once per thread.
  struct Last {
    std::string public_url, path;
  };
  thread_local Last last;
  if (!last.path.empty() && last.public_url == public_url) return last.path;
  auto url = Url::parse(public_url);
  std::string prefix = url ? url->path : "";
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  last = {public_url, prefix + "/link/oauth2/callback"};
  return last.path;
}

std::string attributes(const std::string& public_url, int64_t max_age) {
  // Lax lets the top-level redirect back from the provider carry it.
  std::string attrs = "; Path=" + cookiePath(public_url) + "; Max-Age=" +
                      std::to_string(max_age) + "; HttpOnly; SameSite=Lax";
  if (public_url.starts_with("https://")) attrs += "; Secure";
  return attrs;
}

}  // namespace

std::string flowCookieName(const std::string& state) {
  return "lg_flow_" + sha256Hex(state).substr(0, 16);
}

std::string flowCookieSet(const std::string& public_url, const std::string& state,
                          const std::string& value, int64_t max_age) {
  return flowCookieName(state) + "=" + value + attributes(public_url, max_age);
}

std::string flowCookieClear(const std::string& public_url, const std::string& state) {
  return flowCookieName(state) + "=; Path=" + cookiePath(public_url) +
         "; Max-Age=0; HttpOnly; SameSite=Lax";
}

}  // namespace linkgate::gateway
