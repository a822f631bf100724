// The system under test: a gateway and a simulator, either started here from build/bin with a
// fresh database and short lifetimes, or already running somewhere (--gateway/--simulator).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conformance/harness/child_process.h"
#include "conformance/harness/options.h"
#include "core/error.h"
#include "core/http_client.h"

namespace linkgate::conformance {

struct StackEndpoints {
  std::string gateway_url;    // where the suite sends requests; also the public URL (iss)
  std::string simulator_url;
  std::string api_key;
  std::optional<int> code_ttl_seconds;
  bool launched = false;
  // A launched stack without a proxy also runs a second gateway instance on the same database
  // with a flow lifetime short enough to wait for (flow.expiry, C-1.1.8); with
  // --proxy-second-instance this URL (and instances[0]) is that command's, in front of it.
  std::optional<std::string> short_flow_gateway_url;
  int short_flow_ttl_seconds = 0;
  // Other instances of the gateway under test, addressed directly: same database, master key
  // and public URL (--instances, or the launched second instance).
  std::vector<std::string> instances = {};
};

class Stack {
 public:
  // Code lifetime given to a launched gateway: short enough to wait for in the expiry check.
  static constexpr int kLaunchedCodeTtl = 4;
  // Flow lifetime of the second, short-lived instance.
  static constexpr int kShortFlowTtl = 2;

  // Starts simulator (then the proxy, when asked), then gateway; waits until each answers its
  // health endpoint. Fails with what did not start and the tail of its log.
  static Result<std::unique_ptr<Stack>> launch(const Options& options, HttpClient& http);
  static std::unique_ptr<Stack> attach(const Options& options);
  ~Stack();  // shutDown()
  // Stops what it started (reverse order) and removes the temp dir unless keepFiles().
  // Idempotent; the endpoints stay readable.
  void shutDown();

  const StackEndpoints& endpoints() const { return endpoints_; }
  // Logs of the started processes (tails), for failure reports. Empty when attached.
  std::string logs(size_t max_bytes_each = 6000) const;
  void keepFiles() { keep_files_ = true; }
  const std::string& tempDir() const { return temp_dir_; }

 private:
  Stack() = default;
  StackEndpoints endpoints_;
  std::string temp_dir_;
  bool keep_files_ = false;
  std::vector<std::unique_ptr<ChildProcess>> children_;  // in start order
};

}  // namespace linkgate::conformance
