// Shared judgements of the properties.
#include "conformance/properties/support.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/json.h"
#include "core/random.h"

namespace linkgate::conformance {
namespace {

std::string clip(const std::string& s, size_t max = 200) {
  return s.size() > max ? s.substr(0, max) + "..." : s;
}

}  // namespace

std::string lower(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return s;
}

Credential linked(CheckContext& c, const App& app) {
  Flow flow(c.world(), &c.trace());
  const std::string code = must(approvedCode(flow, app, c.world().integratorUri(),
                                             c.world().integratorUri(), "management"),
                                "approved flow");
  return must(flow.exchange(app, code), "code exchange");
}

Json connectionParamsJson(World& world, const std::string& slug) {
  Json out = Json::object();
  if (const ProviderUnderTest* p = world.provider(slug)) {
    for (const auto& [name, value] : p->connection_params) out[name] = value;
  }
  return out;
}

Json withConnectionParams(World& world, const std::string& slug, Json body) {
  Json params = connectionParamsJson(world, slug);
  if (!params.empty()) body["connection_params"] = std::move(params);
  return body;
}

App primaryApp(CheckContext& c) { return must(c.world().app(c.provider()), "app set-up"); }

std::string refusedWithoutRedirect(const HttpResponse& r, PageKind kind) {
  if (auto location = r.header("Location")) {
    return "redirected (HTTP " + std::to_string(r.status) + ") to " + clip(*location) +
           " although the request must be refused without a redirect";
  }
  if (r.status != 400) {
    return "expected HTTP 400, got " + std::to_string(r.status) + ": " + clip(r.body);
  }
  const std::string type = lower(r.header("Content-Type").value_or(""));
  if (kind == PageKind::kJson) {
    if (type.find("application/json") == std::string::npos) {
      return "Accept: application/json but Content-Type is '" + type + "'";
    }
    if (jsonError(r).empty()) return "JSON error page without an 'error' field: " + clip(r.body);
  } else if (kind == PageKind::kHtml && type.find("text/html") == std::string::npos) {
    return "expected an HTML page, Content-Type is '" + type + "'";
  }
  return {};
}

std::string pageHeadersProblem(const HttpResponse& r) {
  const std::string csp = lower(r.header("Content-Security-Policy").value_or(""));
  if (csp.find("frame-ancestors 'none'") == std::string::npos) {
    return "Content-Security-Policy lacks frame-ancestors 'none' (got '" + csp + "')";
  }
  const std::string referrer = lower(r.header("Referrer-Policy").value_or(""));
  if (referrer != "no-referrer") return "Referrer-Policy is '" + referrer + "', not no-referrer";
  return {};
}

std::string providerUntouched(World& world, int64_t mark) {
  auto entries = world.sim().journal(std::nullopt, mark);
  if (!entries) return "cannot read the simulator journal: " + entries.error().message;
  if (entries->empty()) return {};
  const JournalEntry& e = entries->front();
  return std::to_string(entries->size()) + " request(s) reached the provider side, first: " +
         e.provider + " " + e.endpoint + " " + e.method + " " + clip(e.target);
}

Result<int> countRequests(World& world, const std::string& slug, const std::string& endpoint,
                          int64_t mark) {
  auto entries = world.sim().journal(slug, mark);
  if (!entries) return std::unexpected(entries.error());
  return static_cast<int>(
      std::ranges::count_if(*entries, [&](const JournalEntry& e) { return e.endpoint == endpoint; }));
}

std::string redirectedToProvider(World& world, const std::string& slug, const HttpResponse& r) {
  auto location = r.header("Location");
  if (r.status != 302 || !location) {
    return "expected 302 to the provider, got HTTP " + std::to_string(r.status) +
           (location ? " Location: " + clip(*location) : "") + " " + clip(r.body);
  }
  const std::string prefix = world.sim().baseUrl() + "/" + slug + "/";
  if (!location->starts_with(prefix)) {
    return "302 to " + clip(*location) + ", not to the provider (" + prefix + "...)";
  }
  return {};
}

Result<std::string> approvedCode(Flow& flow, const App& app, const std::string& redirect_uri,
                                 const std::string& destination,
                                 const std::optional<std::string>& state,
                                 const std::vector<std::pair<std::string, std::string>>& extra) {
  StartParams params{app.provider, app.id, redirect_uri, state, extra};
  auto final_response = flow.run(params);
  if (!final_response) return std::unexpected(final_response.error());
  auto location = Flow::redirectTarget(*final_response, "callback");
  if (!location) return std::unexpected(location.error());
  auto appended =
      flow.finalParams(*location, destination, {std::nullopt, state, flow.world().publicUrl()});
  if (!appended) return std::unexpected(appended.error());
  return *appended->get("code");
}

std::vector<std::string> otherSlugs(World& world, const std::string& slug) {
  std::vector<std::string> out;
  for (const auto& p : world.providers()) {
    if (p.slug != slug) out.push_back(p.slug);
  }
  return out;
}

std::string randomUuid() {
  SystemRandom random;
  std::string b = random.bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[(static_cast<unsigned char>(b[i]) >> 4) & 15];
    out += kHex[static_cast<unsigned char>(b[i]) & 15];
  }
  return out;
}

std::string printable(const std::string& bytes, size_t max) {
  std::string out;
  static const char* kHex = "0123456789abcdef";
  for (size_t i = 0; i < bytes.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x20 || c >= 0x7f || c == '\\') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (bytes.size() > max) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

UriGuard::~UriGuard() {
  for (const auto& id : ids_) world_.forgetUri(id);
}

std::string jsonError(const HttpResponse& r) {
  auto json = parseJsonObject(r.body);
  if (!json) return {};
  return jsonString(*json, "error").value_or("");
}

HttpResponse api(CheckContext& c, const std::string& method, const std::string& path,
                 const std::optional<Json>& body) {
  auto r = must(c.world().gateway().request(method, path, body), method + " " + path);
  c.trace().add(method + " " + path + " -> " + std::to_string(r.status) + " " +
                printable(r.body, 200));
  return r;
}

void expectJsonError(const HttpResponse& r, std::initializer_list<int> statuses,
                     const std::string& what) {
  bool status_ok = false;
  for (int s : statuses) status_ok = status_ok || r.status == s;
  EXPECT_TRUE(status_ok) << what << ": HTTP " << r.status << " " << printable(r.body, 300);
  auto json = parseJsonObject(r.body);
  EXPECT_TRUE(json && !jsonString(*json, "error").value_or("").empty())
      << what << ": no JSON error in " << printable(r.body, 300);
  EXPECT_TRUE(json && jsonString(*json, "error_description"))
      << what << ": no error_description in " << printable(r.body, 300);
}

}  // namespace linkgate::conformance
