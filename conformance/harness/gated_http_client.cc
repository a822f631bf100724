// The gate in front of the checks' HTTP client.
#include "conformance/harness/gated_http_client.h"

namespace linkgate::conformance {

Result<HttpResponse> GatedHttpClient::send(const HttpRequest& request) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return fail("interrupted", "the run was interrupted");
    ++in_flight_;
  }
  auto response = inner_.send(request);
  std::lock_guard lock(mu_);
  if (--in_flight_ == 0) idle_.notify_all();
  return response;
}

void GatedHttpClient::closeAndDrain() {
  std::unique_lock lock(mu_);
  closed_ = true;
  idle_.wait(lock, [this] { return in_flight_ == 0; });
}

}  // namespace linkgate::conformance
