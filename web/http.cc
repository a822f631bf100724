// Plain request/response helpers: cookies, content negotiation, canned answers, escaping.
#include "web/http.h"

#include <algorithm>

#include "core/ascii.h"

namespace linkgate::web {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> Request::cookie(std::string_view name) const {
  for (const auto& [hname, value] : headers) {
    if (!equalsIgnoreCase(hname, "cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (trim(pair.substr(0, eq)) == name) return std::string(trim(pair.substr(eq + 1)));
    }
  }
  return std::nullopt;
}

bool Request::wantsJson() const {
  auto accept = header("accept");
  return accept && accept->find("application/json") != std::string::npos &&
         accept->find("text/html") == std::string::npos;
}

Response& Response::setHeader(std::string name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return equalsIgnoreCase(h.first, name); });
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

Response& Response::addHeader(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

Response Response::json(int status, const Json& body) {
  Response r;
  r.status = status;
  r.body = dumpJson(body);
  r.setHeader("Content-Type", "application/json");
  return r;
}

Response Response::html(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.setHeader("Content-Type", "text/html; charset=utf-8");
  // SPEC §7: pages must not be framed nor leak their URL (codes, states) to other sites.
  r.setHeader("Content-Security-Policy", "frame-ancestors 'none'");
  r.setHeader("Referrer-Policy", "no-referrer");
  r.setHeader("Cache-Control", "no-store");
  return r;
}

Response Response::text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.setHeader("Content-Type", "text/plain; charset=utf-8");
  return r;
}

Response Response::redirect(std::string location) {
  Response r;
  r.status = 302;
  r.setHeader("Location", std::move(location));
  r.setHeader("Cache-Control", "no-store");
  r.setHeader("Referrer-Policy", "no-referrer");
  return r;
}

std::string htmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace linkgate::web
