// Test helper of observability_test: the real simulator and a gateway whose stdout and stderr
// are kept, plus the steps of a flow driven over HTTP, remembering every secret that passed.
#pragma once
#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/http_client.h"
#include "core/json.h"
#include "gateway/child_process.h"
#include "gateway/test_support.h"

namespace linkgate::gateway::testing {

struct FlowOutcome {
  std::string done;  // where the gateway finally redirected the browser
  std::optional<std::string> gateway_code;
};

class ObsStack {
 public:
  ObsStack();   // sets `error` when something does not start
  ~ObsStack();  // stops both processes

  std::string createApp(const std::string& slug);  // registers the client at the simulator too
  std::string secretOf(const std::string& slug) const { return "obs-" + slug + "-secret-value"; }
  // start → provider (auto-approve) → callback, with X-Request-Id: request_id on /start.
  FlowOutcome runFlow(const std::string& slug, const std::string& app, const std::string& request_id);
  // POST /link/oauth2/token; the credential, or null on an error answer.
  Json exchange(const std::string& app, const std::string& code, const std::string& secret);
  int refresh(const std::string& credential_id);
  int startAuth();
  void arm(const Json& fault);  // POST /_sim/faults
  // GET /metrics parsed by prometheus_client: "name{k=v,...}" (labels sorted) -> value.
  std::map<std::string, double> scrape();
  // SIGTERM the gateway, wait, and return everything it wrote.
  std::string stopAndReadLog();
  static std::vector<Json> jsonLines(const std::string& log);

  std::string error;
  std::vector<std::string> secrets;
  std::string echoedRequestId;  // X-Request-Id of the first /start answer

 private:
  HttpResponse call(const std::string& method, const std::string& url, const std::string& body = {},
                    HeaderList headers = {});
  void remember(const std::string& secret);

  TempDir dir_;
  CurlHttpClient http_;
  std::unique_ptr<ChildProcess> simulator_;
  pid_t gateway_ = -1;
  int gateway_out_ = -1;
  std::thread drain_;
  std::string stdout_rest_;
  std::string gw_, sim_;
  std::string app_for_start_auth_;
};

}  // namespace linkgate::gateway::testing
