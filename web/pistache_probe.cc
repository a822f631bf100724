// pistacheReadsHead (see pistache_probe.h). Mirrors Pistache 0.0.5's RequestLineStep (method
// lookup) and HeadersStep (name up to the first ':', value after the spaces that follow it, up
// to CRLF; Cookie, Set-Cookie, then the header registry), calling the parses they call.
#include "web/pistache_probe.h"

#include <algorithm>
#include <string>

#include <pistache/cookie.h>
#include <pistache/http_defs.h>
#include <pistache/http_headers.h>

#include "core/ascii.h"

namespace linkgate::web {
namespace P = Pistache;

namespace {

constexpr std::string_view kMethods[] = {
#define METHOD(repr, str) str,
    HTTP_METHODS
#undef METHOD
};

void parseField(std::string_view name, std::string_view value) {
  if (equalsIgnoreCase(name, "cookie")) {
    P::Http::CookieJar jar;
    jar.addFromRaw(value.data(), value.size());
  } else if (equalsIgnoreCase(name, "set-cookie")) {
    (void)P::Http::Cookie::fromRaw(value.data(), value.size());
  } else {
    auto& registry = P::Http::Header::Registry::instance();
    std::string key(name);
    if (registry.isRegistered(key)) registry.makeHeader(key)->parseRaw(value.data(), value.size());
  }
}

}  // namespace

PistacheHead pistacheReadsHead(std::string_view head) {
  size_t line_end = head.find("\r\n");
  std::string_view method = head.substr(0, std::min(head.find(' '), line_end));
  if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
    return PistacheHead::kUnknownMethod;
  }
  size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  try {
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      if (end == std::string_view::npos || end == pos) break;  // the empty line: the head's end
      std::string_view field = head.substr(pos, end - pos);
      pos = end + 2;
      size_t colon = field.find(':');
      if (colon == std::string_view::npos) return PistacheHead::kUnreadableField;
      std::string_view value = field.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      parseField(field.substr(0, colon), value);
    }
  } catch (...) {
    return PistacheHead::kUnreadableField;
  }
  return PistacheHead::kReads;
}

}  // namespace linkgate::web
