// Client of the simulator's control API (/_sim/...) and its resource endpoint (/{slug}/api/me):
// the suite's view of the provider side, including the journal that proves what a gateway sent.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/http_client.h"
#include "core/json.h"

namespace linkgate::conformance {

struct SimProvider {
  std::string slug;
  std::string display_name;
  std::string authorize_url;
  std::string token_url;
  std::string api_me_url;
  Json dialect;  // the simulator's dialect summary, as sent
  Json raw;

  // Reads a dialect field by trying the given dotted paths in order (the summary's exact shape
  // belongs to the simulator); nullptr when none exists.
  const Json* dialectField(std::initializer_list<std::string_view> paths) const;
};

struct JournalEntry {
  int64_t seq = 0;
  std::string provider;
  std::string endpoint;  // authorize | consent | token | refresh | api_me | unknown
  std::string method;
  std::string target;
  std::string body;
  Json headers;
  int status = 0;
  // Everything the provider saw, for "does X appear anywhere" checks.
  std::string allText() const;
};

struct Fault {
  std::string provider;
  std::string endpoint;  // authorize | token | refresh | api_me
  std::string kind;      // status | delay | malformed_body | drop_connection | invalid_grant |
                         // deny_consent
  std::optional<int> status = std::nullopt;
  std::optional<int> delay_ms = std::nullopt;
  int count = 1;
};

class SimulatorControl {
 public:
  SimulatorControl(HttpClient& http, std::string base_url);

  const std::string& baseUrl() const { return base_url_; }
  Result<std::vector<SimProvider>> providers();
  // The client as the simulator registered it, with what the provider assigned (for Amazon,
  // the application_id its consent URL names).
  Result<Json> registerClient(const std::string& provider, const std::string& client_id,
                              const std::string& client_secret,
                              const std::vector<std::string>& redirect_uris);
  // Entries with seq > since (all when since is 0), optionally for one provider.
  Result<std::vector<JournalEntry>> journal(const std::optional<std::string>& provider,
                                            int64_t since);
  // The highest seq in the journal now (0 when empty): take it before an action, then ask
  // journal(provider, mark) for what the action caused.
  Result<int64_t> mark();
  Status addFault(const Fault& fault);
  Status clearFaults();
  Status setBehaviour(const std::string& slug, const Json& behaviour);
  Status clearBehaviour(const std::string& slug);
  Status advanceClock(int seconds);
  // POST /_sim/introspect: {"active", "scopes", "client_id", ...} of a token the simulator issued.
  Result<Json> introspect(const std::string& token);
  // GET one of a provider's resources (a `resources` entry of its dialect summary: url,
  // token_in bearer/header/path, name, prefix) with the token presented that way.
  Result<HttpResponse> resource(const Json& resource, const std::string& access_token);
  // GET {slug}/api/me with the token presented the way the provider's dialect says.
  Result<HttpResponse> apiMe(const SimProvider& provider, const std::string& access_token);

 private:
  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::optional<Json>& body = std::nullopt);
  Status expectOk(const std::string& what, Result<HttpResponse> response);

  HttpClient& http_;
  std::string base_url_;
  int64_t last_mark_ = 0;
};

}  // namespace linkgate::conformance
