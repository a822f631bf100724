// libcurl implementation of HttpClient: one reused easy handle per thread, no redirects,
// connect + total timeouts always set, transport failures mapped to stable error ids.
#include "core/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "core/ascii.h"

namespace linkgate {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// RFC 9110 §5.6.2 token characters (methods and header names).
bool isToken(std::string_view s) {
  if (s.empty()) return false;
  return std::ranges::all_of(s, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool hasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

struct Collected {
  std::string body;
  HeaderList headers;
  size_t max_body = 0;
  bool too_large = false;
};

size_t onBody(char* data, size_t size, size_t n, void* user) {
  auto* c = static_cast<Collected*>(user);
  if (c->body.size() + size * n > c->max_body) {
    c->too_large = true;
    return 0;  // libcurl aborts the transfer (CURLE_WRITE_ERROR)
  }
  c->body.append(data, size * n);
  return size * n;
}

size_t onHeader(char* data, size_t size, size_t n, void* user) {
  auto* c = static_cast<Collected*>(user);
  const std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    c->headers.clear();  // a new status line: keep only the final response's headers
  } else if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
    if (!c->headers.empty()) {  // obsolete line folding (RFC 9112 §5.2): join with one space
      c->headers.back().second += " ";
      c->headers.back().second += trim(line);
    }
  } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
    c->headers.emplace_back(std::string(trim(line.substr(0, colon))),
                            std::string(trim(line.substr(colon + 1))));
  }
  return size * n;
}

Error mapCurlError(CURLcode code, const char* detail) {
  std::string message = curl_easy_strerror(code);
  if (detail[0] != '\0') message += std::string(": ") + detail;
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return {"timeout", message};
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {"connect_failed", message};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {"bad_request", message};
    default:
      return {"transport", message};
  }
}

long clampMillis(std::chrono::milliseconds ms) {
  // 0 means "no timeout" to libcurl; a timeout must always exist.
  return static_cast<long>(std::max<std::chrono::milliseconds::rep>(ms.count(), 1));
}

// One easy handle per thread, reused (issue 10): curl_easy_reset keeps its connection cache,
// so calls to one provider share a keep-alive connection instead of a connect and a close
// each (in a full flow the new handle, connect and close were 14 % of the gateway's CPU).
struct ThreadEasy {
  CURL* handle = nullptr;
  ~ThreadEasy() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

CURL* threadHandle() {
  thread_local ThreadEasy easy;
  if (easy.handle == nullptr) easy.handle = curl_easy_init();
  return easy.handle;
}

// A request sent on a reused connection that dies before any answer is sent again by libcurl
// on a fresh connection. That would hide a provider that dropped the request (and could send a
// code exchange twice), so the second attempt is refused: the caller sees what a fresh
// connection would have shown. libcurl checks a cached connection before reusing it, so a
// server's idle close does not get here.
int onPrereq(void* attempts, char* /*ip*/, char* /*local_ip*/, int /*port*/, int /*local_port*/) {
  return ++*static_cast<int*>(attempts) > 1 ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

struct ResetOnExit {
  CURL* handle;
  ~ResetOnExit() { curl_easy_reset(handle); }
};

using Slist = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

std::optional<std::string> findHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (equalsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResponse::headerValues(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : headers) {
    if (equalsIgnoreCase(n, name)) out.push_back(v);
  }
  return out;
}

CurlHttpClient::CurlHttpClient() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpResponse> CurlHttpClient::send(const HttpRequest& request) {
  if (!isToken(request.method)) return fail("bad_request", "invalid HTTP method");
  if (request.url.empty() || hasLineBreakOrNul(request.url)) {
    return fail("bad_request", "invalid URL");
  }
  CURL* h = threadHandle();
  if (h == nullptr) return fail("transport", "curl_easy_init failed");
  // Every option (and every pointer into this frame) is cleared on the way out; the handle's
  // open connections stay for the next call of this thread.
  ResetOnExit reset{h};

  Slist headers(nullptr, &curl_slist_free_all);
  bool has_expect = false;
  for (const auto& [name, value] : request.headers) {
    if (!isToken(name) || hasLineBreakOrNul(value)) {
      return fail("bad_request", "invalid header '" + name + "'");
    }
    has_expect = has_expect || equalsIgnoreCase(name, "Expect");
    // "Name;" is libcurl's spelling of a header with an empty value ("Name:" would remove it).
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next == nullptr) return fail("transport", "out of memory building headers");
    (void)headers.release();
    headers.reset(next);
  }
  if (!has_expect) {  // never wait for "100 Continue": many servers (Pistache) do not send it
    curl_slist* next = curl_slist_append(headers.get(), "Expect:");
    if (next == nullptr) return fail("transport", "out of memory building headers");
    (void)headers.release();
    headers.reset(next);
  }

  Collected collected;
  collected.max_body = request.max_response_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  int attempts = 0;
  curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, &onPrereq);
  curl_easy_setopt(h, CURLOPT_PREREQDATA, &attempts);
  // Loopback (the simulator, tests) never goes through a proxy set in the environment.
  curl_easy_setopt(h, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, clampMillis(request.connect_timeout));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, clampMillis(request.total_timeout));
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &onBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &collected);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &onHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &collected);
  // A declared Content-Length past the cap ends the transfer before any body is read.
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_response_bytes));

  const std::string& m = request.method;
  const bool body_method = m == "POST" || m == "PUT" || m == "PATCH";
  if (m == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);  // otherwise libcurl waits for a body
  } else if (!request.body.empty() || body_method) {
    // libcurl adds "Content-Type: application/x-www-form-urlencoded" unless the caller set one.
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  }
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());

  const CURLcode code = curl_easy_perform(h);
  if (collected.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return fail("too_large", "the answer's body exceeds " +
                                 std::to_string(request.max_response_bytes) + " bytes");
  }
  if (code == CURLE_ABORTED_BY_CALLBACK && attempts > 1) {
    return fail("transport", "Server returned nothing (the connection closed before any answer)");
  }
  if (code != CURLE_OK) return std::unexpected(mapCurlError(code, error_buffer));

  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  HttpResponse response;
  response.status = static_cast<int>(status);
  response.headers = std::move(collected.headers);
  response.body = std::move(collected.body);
  return response;
}

}  // namespace linkgate
