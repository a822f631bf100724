// A browser on libcurl for the suite: follows redirects by hand, one recorded hop at a time,
// keeps a cookie jar, and fills in the simulator's consent form like a person would.
#pragma once
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "conformance/harness/cookie_jar.h"
#include "conformance/harness/html_form.h"
#include "core/error.h"
#include "core/http_client.h"

namespace linkgate::conformance {

// The hop trace of a check: every request the suite made, printed when the check fails.
// Thread-safe.
class Trace {
 public:
  void add(std::string line);
  void clear();
  std::string text(size_t max_lines = 80) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// Resolves a Location header against the URL it came from (absolute, "/path" or "?query").
std::string resolveUrl(const std::string& base, const std::string& location);
// "scheme://host:port" of an absolute URL (as written), "" when it has none.
std::string originOf(const std::string& url);

struct Landing {
  std::string url;           // the URL of the last request made
  HttpResponse response;     // its answer
  std::optional<std::string> next;  // a redirect not followed (another origin or stop_before)
};

class UserAgent {
 public:
  // Redirects are followed only within `origins` (gateway and simulator); a redirect anywhere
  // else (the integrator) ends the walk, as the integrator's page would load in a browser.
  UserAgent(HttpClient& http, std::vector<std::string> origins, Trace* trace);

  // One request with the jar's cookies; stores Set-Cookie; records a hop. Never follows.
  Result<HttpResponse> send(HttpRequest request);
  Result<HttpResponse> get(const std::string& url, const HeaderList& headers = {});

  // Sends `first`, then GETs each redirect target while it is on a followed origin and
  // `stop_before(target)` is false. At most 10 hops.
  Result<Landing> follow(HttpRequest first,
                         const std::function<bool(const std::string&)>& stop_before = {});

  // Submits `form` (found on the page at `page_url`) with `choice` set as the pressed button
  // (name=value) and `overrides` replacing field values, then follows like follow().
  Result<Landing> submit(const std::string& page_url, const HtmlForm& form,
                         const std::pair<std::string, std::string>& choice,
                         const std::vector<std::pair<std::string, std::string>>& overrides,
                         const std::function<bool(const std::string&)>& stop_before = {});

  CookieJar& jar() { return jar_; }
  Trace* trace() { return trace_; }

 private:
  HttpClient& http_;
  std::vector<std::string> origins_;
  Trace* trace_;
  CookieJar jar_;
};

}  // namespace linkgate::conformance
