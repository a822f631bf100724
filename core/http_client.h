// Outbound HTTP seam. The libcurl implementation never follows redirects, always has a connect
// and a total timeout, and returns transport failures as error values.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace linkgate {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup of the first header named `name`.
std::optional<std::string> findHeader(const HeaderList& headers, std::string_view name);

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds total_timeout{10000};
  // The answer's body may be at most this long: past it the transfer is aborted and send()
  // fails "too_large" (a provider answering gigabytes must not fill memory). Issue 15 item 3.
  size_t max_response_bytes = 1024 * 1024;
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;  // in arrival order; names as the server sent them
  std::string body;
  std::optional<std::string> header(std::string_view name) const {
    return findHeader(headers, name);
  }
  std::vector<std::string> headerValues(std::string_view name) const;  // e.g. Set-Cookie
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Performs one request. A response with any status (including 3xx, 4xx, 5xx) is a success
  // value; errors are transport failures: "timeout", "connect_failed", "transport" (dropped
  // connection, bad response), "bad_request" (unusable URL or method), "too_large" (the body
  // passed request.max_response_bytes). Thread-safe.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient();  // calls curl_global_init once per process
  Result<HttpResponse> send(const HttpRequest& request) override;
};

}  // namespace linkgate
