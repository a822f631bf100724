// The shared look of every Linkgate HTML page (gateway error and diagnostics pages, the
// simulator's consent page, the example integrator app): one small stylesheet (linkgate.css,
// embedded at build time), inlined and allowed by its CSP hash, so no page loads anything from
// anywhere and no script can run on any of them.
#pragma once
#include <string>
#include <string_view>

#include "web/http.h"

namespace linkgate::web {

// The stylesheet's text (web/assets/linkgate.css).
std::string_view pageStylesheet();
// "'sha256-…'" of the stylesheet, the CSP source that allows exactly this <style> block.
const std::string& pageStyleHashSource();
// The page CSP: nothing loads, no script runs, only the inlined stylesheet applies; keeps
// frame-ancestors 'none' (SPEC §7).
std::string pageCsp();

struct PageFrame {
  std::string title;   // <title>, escaped here
  std::string badge;   // the product label in the top bar: "gateway", "simulator", ...
  std::string body;    // HTML of <main>, already escaped by the caller
};

// A complete HTML document with the stylesheet inlined.
std::string renderPage(const PageFrame& frame);
// Response::html with the page CSP (and its Referrer-Policy / Cache-Control headers).
Response pageResponse(int status, const PageFrame& frame);

}  // namespace linkgate::web
