// Test helpers.
#include "simulator/test_support.h"

#include <algorithm>
#include <fstream>
#include <future>
#include <sstream>
#include <regex>

#include <gtest/gtest.h>

#include "core/base64.h"
#include "core/params.h"
#include "core/percent.h"
#include "core/url.h"
#include "simulator/profile_loader.h"

namespace linkgate::sim::testing {

std::filesystem::path fixturesDir() {
  // ctest sets LINKGATE_SOURCE_DIR; test discovery runs without it, hence the build-time path.
  if (const char* src = std::getenv("LINKGATE_SOURCE_DIR")) {
    return std::filesystem::path(src) / "fixtures";
  }
  return LINKGATE_FIXTURES_DIR;
}

size_t providerFileCount() {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(fixturesDir() / "providers")) {
    if (e.path().extension() == ".json") ++n;
  }
  return n;
}

std::vector<Profile> providerProfiles() {
  auto profiles = loadProfileDir(fixturesDir() / "providers");
  if (!profiles) {
    ADD_FAILURE() << profiles.error().message;
    return {};
  }
  return *profiles;
}

Profile providerProfile(const std::string& slug) {
  auto p = loadProfileFile(fixturesDir() / "providers" / (slug + ".json"));
  if (!p) {
    ADD_FAILURE() << p.error().message;
    return {};
  }
  return *p;
}

Json genericProfileJson() {
  std::ifstream in(fixturesDir() / "providers" / "generic.json");
  std::stringstream s;
  s << in.rdbuf();
  auto doc = parseJson(s.str());
  if (!doc) ADD_FAILURE() << doc.error().message;
  return doc ? *doc : Json::object();
}

Profile profileFromJson(const Json& doc) {
  auto p = parseProfile(doc, doc.value("slug", std::string("x")) + ".json");
  if (!p) {
    ADD_FAILURE() << p.error().message;
    return {};
  }
  return *p;
}

TestSimulator::TestSimulator(std::vector<Profile> profiles, bool auto_approve) {
  auto router = Router::build(std::move(profiles));
  if (!router) ADD_FAILURE() << router.error().message;
  sim = std::make_unique<Simulator>(router ? std::move(*router) : Router{}, clock, random, delays,
                                    Simulator::Options{auto_approve});
}

TestSimulator::~TestSimulator() { delays.stop(); }

web::Response TestSimulator::call(web::Request request, std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<web::Response>>();
  auto future = promise->get_future();
  sim->handle(std::move(request), [promise](web::Response r) { promise->set_value(std::move(r)); });
  if (future.wait_for(timeout) != std::future_status::ready) {
    ADD_FAILURE() << "no answer within " << timeout.count() << " ms";
    return web::Response{};
  }
  return future.get();
}

void TestSimulator::addClient(const std::string& provider, const std::string& id,
                              const std::string& secret, std::vector<std::string> redirect_uris) {
  Client c{provider, id, secret, std::move(redirect_uris)};
  if (const Provider* p = sim->router().find(provider); p && p->profile.authorize.application_id) {
    c.application_id = deriveApplicationId(*p->profile.authorize.application_id, provider, id);
  }
  ASSERT_TRUE(sim->clients().put(std::move(c))) << "application_id already taken";
}

GenericSim::GenericSim(std::vector<Profile> extra, bool auto_approve)
    : TestSimulator(
          [&] {
            extra.insert(extra.begin(), providerProfile("generic"));
            return extra;
          }(),
          auto_approve) {
  for (const auto& p : sim->router().providers()) {
    addClient(p->profile.slug, kClient, kSecret, {kRedirect});
  }
}

web::Response GenericSim::authorize(const std::vector<std::pair<std::string, std::string>>& params,
                                    const std::string& slug) {
  const Provider* p = sim->router().find(slug);
  std::vector<std::pair<std::string, std::string>> all = {
      {p->profile.authorize.client_id_param, kClient},
      {"redirect_uri", kRedirect},
      {"response_type", "code"},
      {"state", "xyz"}};
  for (const auto& [name, value] : params) {
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& kv) { return kv.first == name; });
    if (it != all.end() && value.empty()) {
      all.erase(it);
    } else if (it != all.end()) {
      it->second = value;
    } else {
      all.emplace_back(name, value);
    }
  }
  Params q;
  for (const auto& [k, v] : all) q.add(k, v);
  std::map<std::string, std::string> examples;
  for (const auto& [name, spec] : p->profile.params) examples[name] = spec.example;
  return call(makeRequest("GET", "/" + slug + "/" + p->authorize.fill(examples) + "?" + q.toQuery()));
}

std::string GenericSim::code(const std::vector<std::pair<std::string, std::string>>& params,
                             const std::string& slug) {
  web::Response r = authorize(params, slug);
  EXPECT_EQ(r.status, 302) << r.body;
  const Provider* p = sim->router().find(slug);
  auto code = locationParam(r, p->profile.authorize.code_param);
  EXPECT_TRUE(code) << r.header("location").value_or("(no location)");
  return code.value_or("");
}

web::Response GenericSim::token(const std::string& body, std::optional<HeaderList> headers,
                                const std::string& slug) {
  const Provider* p = sim->router().find(slug);
  std::map<std::string, std::string> examples;
  for (const auto& [name, spec] : p->profile.params) examples[name] = spec.example;
  HeaderList h = headers.value_or(HeaderList{{"Authorization", basicAuth(kClient, kSecret)}});
  return call(formPost("/" + slug + "/" + p->token.fill(examples), body, h));
}

web::Response GenericSim::apiMe(const std::string& access_token, const std::string& slug) {
  return call(makeRequest("GET", "/" + slug + "/api/me", {{"Authorization", "Bearer " + access_token}}));
}

Json GenericSim::exchange(const std::string& code, const std::string& slug) {
  web::Response r = token("grant_type=authorization_code&code=" + code +
                              "&redirect_uri=" + percentEncode(kRedirect),
                          std::nullopt, slug);
  EXPECT_EQ(r.status, 200) << r.body;
  auto doc = parseJson(r.body);
  return doc ? *doc : Json::object();
}

web::Response GenericSim::control(std::string method, std::string target, const Json& body) {
  HeaderList h;
  std::string text;
  if (!body.is_null()) {
    h.emplace_back("Content-Type", "application/json");
    text = dumpJson(body);
  }
  return call(makeRequest(std::move(method), std::move(target), h, text));
}

web::Request makeRequest(std::string method, std::string target, HeaderList headers,
                         std::string body) {
  web::Request r;
  r.method = std::move(method);
  r.target = target;
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  r.has_query = q != std::string::npos;
  r.raw_query = r.has_query ? target.substr(q + 1) : "";
  for (auto& [name, value] : headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(lower, value);
  }
  r.headers.emplace_back("host", "sim.test");
  r.body = std::move(body);
  r.remote_address = "127.0.0.1";
  return r;
}

web::Request formPost(std::string target, std::string body, HeaderList headers) {
  headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return makeRequest("POST", std::move(target), std::move(headers), std::move(body));
}

std::string basicAuth(const std::string& id, const std::string& secret) {
  return "Basic " + base64Encode(percentEncode(id, true) + ":" + percentEncode(secret, true));
}

std::optional<std::string> locationParam(const web::Response& r, const std::string& name) {
  auto location = r.header("location");
  if (!location) return std::nullopt;
  auto url = Url::parse(*location);
  if (!url || !url->query) return std::nullopt;
  auto params = Params::parse(*url->query);
  if (!params) return std::nullopt;
  return params->get(name);
}

std::optional<std::string> consentId(const std::string& html) {
  std::smatch m;
  static const std::regex re(R"re(<input type="hidden" name="consent" value="([^"]*)">)re");
  if (!std::regex_search(html, m, re)) return std::nullopt;
  return m[1].str();
}

}  // namespace linkgate::sim::testing
