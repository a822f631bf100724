// linkgatectl's calls to the gateway.
#include "tools/linkgatectl/client.h"

#include "core/percent.h"

namespace linkgatectl {

Json Answer::json() const {
  auto parsed = linkgate::parseJson(body);
  return parsed ? *parsed : Json();
}

std::string Answer::errorLine() const {
  if (!transport_error.empty()) return "cannot reach the gateway: " + transport_error;
  Json j = json();
  std::string line = std::to_string(status);
  if (j.is_object() && j.contains("error")) {
    line += " " + j.value("error", "") + ": " + j.value("error_description", "");
  } else {
    line += " " + body.substr(0, 200);
  }
  for (auto& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

Answer Client::call(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& content_type) {
  linkgate::HttpRequest req;
  req.method = method;
  req.url = url_ + path;
  req.body = body;
  req.headers = {{"Authorization", "Bearer " + key_}, {"Accept", "application/json"}};
  if (!body.empty()) req.headers.emplace_back("Content-Type", content_type);
  req.total_timeout = std::chrono::milliseconds(60000);
  req.max_response_bytes = size_t{1} << 30;  // an export of many credentials
  Answer a;
  auto r = http_.send(req);
  if (!r) {
    a.transport_error = r.error().id + " (" + url_ + ")";
    return a;
  }
  a.status = r->status;
  a.body = std::move(r->body);
  return a;
}

std::string queryValue(const std::string& value) { return linkgate::percentEncode(value); }

}  // namespace linkgatectl
