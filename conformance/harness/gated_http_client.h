// The HTTP client the checks use, with a gate the interrupt closes: closeAndDrain() waits for
// the requests in flight and refuses every later one ("interrupted"), so a check still running
// when SIGINT comes cannot create anything after the clean-up has listed what to remove.
#pragma once
#include <condition_variable>
#include <mutex>

#include "core/http_client.h"

namespace linkgate::conformance {

class GatedHttpClient final : public HttpClient {
 public:
  explicit GatedHttpClient(HttpClient& inner) : inner_(inner) {}
  Result<HttpResponse> send(const HttpRequest& request) override;
  void closeAndDrain();

 private:
  HttpClient& inner_;
  std::mutex mu_;
  std::condition_variable idle_;
  int in_flight_ = 0;
  bool closed_ = false;
};

}  // namespace linkgate::conformance
