// Plain HTTP request/response values that handlers take and return: no Pistache types here,
// so every handler is testable without sockets.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/http_client.h"  // HeaderList, findHeader
#include "core/json.h"

namespace linkgate::web {

struct Request {
  std::string method;          // "GET", "POST", ...
  std::string target;          // the raw request target: "/path?query"
  std::string path;            // raw path before '?', still percent-encoded
  std::string raw_query;       // raw text after the first '?', "" when none
  bool has_query = false;      // a '?' was present
  HeaderList headers;          // names lower-cased, in arrival order
  std::string body;
  std::string remote_address;  // peer IP

  std::optional<std::string> header(std::string_view name) const {
    return findHeader(headers, name);
  }
  // Value of cookie `name` from the Cookie header(s), if present.
  std::optional<std::string> cookie(std::string_view name) const;
  // True when the Accept header asks for JSON (application/json) rather than HTML.
  bool wantsJson() const;
};

struct Response {
  int status = 200;
  HeaderList headers;  // Set-Cookie may repeat
  std::string body;
  // Close the connection without answering (the simulator's "dropped connection" fault).
  bool drop_connection = false;
  // For the server's own request log and metrics, never sent: who the request was about and
  // why it failed (stable error id, a description already fit for the user). Issue 12.
  struct Note {
    std::string account, app, provider, error_id, detail;
  } note;

  Response& setHeader(std::string name, std::string value);  // replaces same-named
  Response& addHeader(std::string name, std::string value);  // appends (Set-Cookie)
  std::optional<std::string> header(std::string_view name) const {
    return findHeader(headers, name);
  }

  static Response json(int status, const Json& body);
  // An HTML page; adds the SPEC §7 page headers (CSP frame-ancestors 'none',
  // Referrer-Policy no-referrer) and Cache-Control: no-store.
  static Response html(int status, std::string body);
  static Response text(int status, std::string body);
  // 302 with Location (and Cache-Control: no-store, Referrer-Policy: no-referrer).
  static Response redirect(std::string location);
};

// HTML-escapes & < > " ' for echoing untrusted text into pages.
std::string htmlEscape(std::string_view text);

// Answers a request exactly once, from any thread. Copies share one answer slot: the first
// call sends, later calls are ignored. If every copy is dropped unanswered, a 500 is sent.
using Responder = std::function<void(Response)>;
// A request handler. It may answer inline or move the Responder to a worker thread.
using Handler = std::function<void(Request, Responder)>;

}  // namespace linkgate::web
