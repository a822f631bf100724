// Test helpers (linked into the simulator tests only): an in-process simulator over chosen
// profiles, synchronous calls through its handler, and request builders.
#pragma once
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "simulator/delay_queue.h"
#include "simulator/profile.h"
#include "simulator/simulator.h"
#include "web/http.h"

namespace linkgate::sim::testing {

// fixtures/ of the source tree (LINKGATE_SOURCE_DIR, else the current directory's).
std::filesystem::path fixturesDir();
// Every provider profile; fails the calling test (ADD_FAILURE) and returns {} when not loadable.
std::vector<Profile> providerProfiles();
// How many profile files fixtures/providers/ holds (*.json), counted without the loader.
size_t providerFileCount();
Profile providerProfile(const std::string& slug);
// The generic profile's JSON document (to patch in tests).
Json genericProfileJson();
Profile profileFromJson(const Json& doc);  // file name "{slug}.json"; ADD_FAILURE on error

constexpr uint64_t kSeed = 20261128;

// A simulator with its own clock (an OffsetClock over a ManualClock), seeded randomness and
// delay thread.
struct TestSimulator {
  explicit TestSimulator(std::vector<Profile> profiles, bool auto_approve = false);
  ~TestSimulator();

  // Calls the handler and waits (at most `timeout`) for the answer.
  web::Response call(web::Request request,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void addClient(const std::string& provider, const std::string& id, const std::string& secret,
                 std::vector<std::string> redirect_uris);

  ManualClock base_clock;
  OffsetClock clock{base_clock};
  SeededRandom random{kSeed};
  DelayQueue delays;
  std::unique_ptr<Simulator> sim;
};

// The generic profile (plus `extra` profiles) with client kClient / kSecret / kRedirect
// registered for every slug, and shortcuts for its endpoints.
struct GenericSim : TestSimulator {
  static constexpr const char* kClient = "c1";
  static constexpr const char* kSecret = "s1";
  static constexpr const char* kRedirect = "https://app.example/cb";

  explicit GenericSim(std::vector<Profile> extra = {}, bool auto_approve = true);
  // GET the authorization endpoint with client_id, redirect_uri, response_type, state plus
  // `params` (a parameter given in params replaces the default; an empty value removes it).
  web::Response authorize(const std::vector<std::pair<std::string, std::string>>& params = {},
                          const std::string& slug = "generic");
  // A fresh code (auto-approve) for the authorization with `params`.
  std::string code(const std::vector<std::pair<std::string, std::string>>& params = {},
                   const std::string& slug = "generic");
  // POST form `body` to the token endpoint with Basic c1:s1 unless headers are given.
  web::Response token(const std::string& body, std::optional<HeaderList> headers = std::nullopt,
                      const std::string& slug = "generic");
  web::Response apiMe(const std::string& access_token, const std::string& slug = "generic");
  // {"access_token","refresh_token"} of a successful code exchange.
  Json exchange(const std::string& code, const std::string& slug = "generic");
  web::Response control(std::string method, std::string target, const Json& body = nullptr);
};

web::Request makeRequest(std::string method, std::string target, HeaderList headers = {},
                         std::string body = {});
web::Request formPost(std::string target, std::string body, HeaderList headers = {});
std::string basicAuth(const std::string& id, const std::string& secret);

// Query parameter `name` of the Location of a redirect; nullopt when absent.
std::optional<std::string> locationParam(const web::Response& r, const std::string& name);
// The consent id inside a consent page.
std::optional<std::string> consentId(const std::string& html);

}  // namespace linkgate::sim::testing
