// Page frame and CSP of the shared stylesheet.
#include "web/assets/page_style.h"

#include "core/base64.h"
#include "core/crypto.h"

namespace linkgate::web {

extern const std::string_view kLinkgateCss;

std::string_view pageStylesheet() { return kLinkgateCss; }

const std::string& pageStyleHashSource() {
  // CSP Level 2 §4.2.4: the hash of the <style> element's text, base64 of the raw digest.
  static const std::string source = "'sha256-" + base64Encode(sha256(kLinkgateCss)) + "'";
  return source;
}

std::string pageCsp() {
  return "default-src 'none'; style-src " + pageStyleHashSource() +
         "; base-uri 'none'; frame-ancestors 'none'";
}

std::string renderPage(const PageFrame& frame) {
  std::string html =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
      htmlEscape(frame.title) + "</title><style>";
  html += kLinkgateCss;
  html += "</style></head>\n<body><header class=\"bar\"><span class=\"brand\">Linkgate</span>";
  if (!frame.badge.empty()) {
    html += "<span class=\"badge\">" + htmlEscape(frame.badge) + "</span>";
  }
  html += "</header>\n<main>\n" + frame.body + "\n</main></body></html>\n";
  return html;
}

Response pageResponse(int status, const PageFrame& frame) {
  Response r = Response::html(status, renderPage(frame));
  r.setHeader("Content-Security-Policy", pageCsp());
  return r;
}

}  // namespace linkgate::web
