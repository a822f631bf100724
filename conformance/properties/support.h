// Judgements several properties share: "refused without redirecting", "provider not
// contacted", "an approved flow's code". Each returns an empty string when all is well, else
// what is wrong (usable from gtest checks and RapidCheck properties alike).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/harness/world.h"
#include "core/http_client.h"

namespace linkgate::conformance {

// What kind of error page a refusal must be.
enum class PageKind { kHtml, kJson, kAny };
// SPEC §1.1 / RFC 6749 §4.1.2.1: HTTP 400, no Location, an HTML page (or JSON when asked).
std::string refusedWithoutRedirect(const HttpResponse& response, PageKind kind = PageKind::kHtml);
// SPEC §7 page headers: CSP frame-ancestors 'none' and Referrer-Policy no-referrer.
std::string pageHeadersProblem(const HttpResponse& response);
// No request reached the simulator (any provider) since `mark`.
std::string providerUntouched(World& world, int64_t mark);
// Requests of `endpoint` ("token", "refresh", ...) for `slug` since `mark`.
Result<int> countRequests(World& world, const std::string& slug, const std::string& endpoint,
                          int64_t mark);
// /start answered 302 to the provider's authorization endpoint.
std::string redirectedToProvider(World& world, const std::string& slug,
                                 const HttpResponse& response);

// Runs an approved flow for `app` to `destination` (registered as `redirect_uri`) and checks the
// final redirect with the model. Returns the gateway code.
Result<std::string> approvedCode(Flow& flow, const App& app, const std::string& redirect_uri,
                                 const std::string& destination,
                                 const std::optional<std::string>& state,
                                 const std::vector<std::pair<std::string, std::string>>& extra = {});

// Slugs under test other than `slug`.
std::vector<std::string> otherSlugs(World& world, const std::string& slug);
// A random RFC 4122 version-4 UUID (an app id nobody registered).
std::string randomUuid();
// The error code of a JSON error body, "" when there is none.
std::string jsonError(const HttpResponse& response);
// Bytes shown safely in a message: control and non-ASCII bytes as \xNN, long text clipped.
std::string printable(const std::string& bytes, size_t max = 160);

// A management API call through the harness (a transport failure fails the check), traced.
HttpResponse api(CheckContext& c, const std::string& method, const std::string& path,
                 const std::optional<Json>& body = std::nullopt);
// A bad-input answer (SPEC §7): one of `statuses`, a JSON `error` and an `error_description`.
// Records gtest failures naming `what`.
void expectJsonError(const HttpResponse& r, std::initializer_list<int> statuses,
                     const std::string& what);

// ASCII lower-case (header names, error codes).
std::string lower(std::string s);

// The stack's OAuth app for the check's provider; fails the check when it cannot be set up.
App primaryApp(CheckContext& c);
// A credential of `app` made by an approved flow and its code exchange (fails the check else).
Credential linked(CheckContext& c, const App& app);
// The connection params the suite links `slug` with (the catalogue's examples, as /start gets
// them), as the JSON object start-auth and an import take; empty for a provider without any.
Json connectionParamsJson(World& world, const std::string& slug);
// `body` with "connection_params" added when `slug` has any (a per-tenant provider's start-auth
// or import needs them, SPEC §1.1).
Json withConnectionParams(World& world, const std::string& slug, Json body);

// Clears the simulator's faults and `slug`'s run-time behaviours when a check ends, whatever
// happened.
class SimulatorGuard {
 public:
  SimulatorGuard(World& world, std::string slug) : world_(world), slug_(std::move(slug)) {}
  ~SimulatorGuard() {
    (void)world_.sim().clearFaults();
    (void)world_.sim().clearBehaviour(slug_);
  }
  SimulatorGuard(const SimulatorGuard&) = delete;
  SimulatorGuard& operator=(const SimulatorGuard&) = delete;

 private:
  World& world_;
  std::string slug_;
};

// Deletes the redirect URIs a property registered when it ends (even by a failed assertion).
class UriGuard {
 public:
  explicit UriGuard(World& world) : world_(world) {}
  ~UriGuard();
  UriGuard(const UriGuard&) = delete;
  UriGuard& operator=(const UriGuard&) = delete;
  void add(std::string id) { ids_.push_back(std::move(id)); }

 private:
  World& world_;
  std::vector<std::string> ids_;
};

}  // namespace linkgate::conformance
