// linkgatectl's HTTP side: one call to the gateway's management API, with the API key, over
// core's libcurl client. A transport failure and an error answer are both values.
#pragma once
#include <string>

#include "core/http_client.h"
#include "core/json.h"

namespace linkgatectl {

using linkgate::dumpJson;
using linkgate::Json;

struct Answer {
  int status = 0;
  std::string body;
  std::string transport_error;  // non-empty: no answer at all
  bool ok() const { return transport_error.empty() && status >= 200 && status < 300; }
  Json json() const;  // the body as JSON (null when it is not)
  // "404 not_found: credential not found" (or the transport error): one line.
  std::string errorLine() const;
};

class Client {
 public:
  Client(std::string url, std::string api_key) : url_(std::move(url)), key_(std::move(api_key)) {}
  Answer call(const std::string& method, const std::string& path, const std::string& body = "",
              const std::string& content_type = "application/json");
  Answer callJson(const std::string& method, const std::string& path, const Json& body) {
    return call(method, path, dumpJson(body));
  }

 private:
  std::string url_, key_;
  linkgate::CurlHttpClient http_;
};

// Percent-encodes a query value.
std::string queryValue(const std::string& value);

}  // namespace linkgatectl
