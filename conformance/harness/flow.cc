// The steps of a link flow, each returning what happened or a description of what went wrong.
#include "conformance/harness/flow.h"

#include <algorithm>

#include "core/params.h"
#include "core/percent.h"

namespace linkgate::conformance {
namespace {

std::string clip(const std::string& s, size_t max = 300) {
  return s.size() > max ? s.substr(0, max) + "..." : s;
}

std::optional<std::string> queryParam(const std::string& url, const std::string& name) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return std::nullopt;
  auto params = Params::parse(std::string_view(url).substr(q + 1, url.find('#', q) - q - 1));
  if (!params) return std::nullopt;
  return params->get(name);
}

}  // namespace

std::string startUrl(World& world, const StartParams& p) {
  std::string query;
  auto add = [&](const std::string& name, const std::string& value) {
    query += (query.empty() ? "" : "&") + percentEncode(name) + "=" + percentEncode(value);
  };
  add("client_id", p.app_id);
  if (p.redirect_uri) add("redirect_uri", *p.redirect_uri);
  if (p.state) add("state", *p.state);
  if (p.connection_params) {
    if (const ProviderUnderTest* provider = world.provider(p.provider)) {
      for (const auto& [name, value] : provider->connection_params) add(name, value);
    }
  }
  for (const auto& [name, value] : p.extra) add(name, value);
  return world.publicUrl() + "/link/oauth2/start?" + query;
}

Result<Credential> parseCredential(const HttpResponse& response) {
  if (response.status != 200) {
    return fail("token", "token endpoint answered HTTP " + std::to_string(response.status) + ": " +
                             clip(response.body));
  }
  auto json = parseJsonObject(response.body);
  if (!json) return fail("token", "token answer is not a JSON object: " + clip(response.body));
  const Json* cred = jsonAt(*json, "credential");
  if (cred == nullptr || !cred->is_object()) return fail("token", "no 'credential' object");
  Credential c;
  c.raw = *json;
  c.id = jsonString(*cred, "id").value_or("");
  c.provider = jsonString(*cred, "provider").value_or("");
  c.oauth_app_id = jsonString(*cred, "oauth_app_id").value_or("");
  const Json* props = jsonAt(*cred, "properties");
  if (props == nullptr || !props->is_object()) return fail("token", "no 'credential.properties'");
  c.properties = *props;
  auto access = jsonString(*props, "access_token");
  if (!access || access->empty()) return fail("token", "no credential.properties.access_token");
  c.access_token = *access;
  c.refresh_token = jsonString(*props, "refresh_token");
  if (c.id.empty()) return fail("token", "no credential.id");
  return c;
}

Flow::Flow(World& world, Trace* trace, std::string start_base)
    : world_(world),
      trace_(trace),
      start_base_(start_base.empty() ? world.publicUrl() : std::move(start_base)),
      browser_(world.browser(trace)) {}

bool Flow::isCallback(const std::string& url) const {
  return url.starts_with(world_.publicUrl() + "/link/oauth2/callback/");
}

Result<std::string> Flow::redirectTarget(const HttpResponse& response, const std::string& what) {
  auto location = response.header("Location");
  if (response.status != 302 || !location) {
    return fail("no_redirect", what + ": expected 302 with Location, got HTTP " +
                                   std::to_string(response.status) +
                                   (location ? " Location: " + *location : "") + " " +
                                   clip(response.body, 200));
  }
  return *location;
}

Result<HttpResponse> Flow::start(const StartParams& params) {
  std::string url = startUrl(world_, params);
  if (start_base_ != world_.publicUrl()) url = start_base_ + url.substr(world_.publicUrl().size());
  return startAt(params.provider, url, params.headers);
}

Result<HttpResponse> Flow::startAt(const std::string& provider, const std::string& url,
                                   const HeaderList& headers) {
  provider_ = provider;
  authorize_url_.reset();
  gateway_state_.reset();
  HttpRequest request;
  request.url = url;
  request.headers = headers;
  auto response = browser_->send(request);
  if (!response) return response;
  if (response->status == 302) {
    if (auto location = response->header("Location")) {
      const std::string target = resolveUrl(request.url, *location);
      if (target.starts_with(world_.sim().baseUrl() + "/")) {
        authorize_url_ = target;
        gateway_state_ = queryParam(target, "state");
      }
    }
  }
  return response;
}

Result<std::string> Flow::consent(Decision decision, const std::optional<std::string>& user) {
  if (!authorize_url_) return fail("flow", "/start did not redirect to the provider");
  HttpRequest request;
  request.url = *authorize_url_;
  auto stop = [this](const std::string& next) { return isCallback(next); };
  auto landing = browser_->follow(request, stop);
  if (!landing) return std::unexpected(landing.error());
  if (landing->next) {
    if (!isCallback(*landing->next)) {
      return fail("flow", "provider redirected outside the gateway callback: " + *landing->next);
    }
    return *landing->next;  // --auto-approve, or the provider refused at once
  }
  if (landing->response.status != 200) {
    return fail("flow", "provider authorization page answered HTTP " +
                            std::to_string(landing->response.status) + ": " +
                            clip(landing->response.body));
  }
  const std::vector<HtmlForm> forms = parseForms(landing->response.body);
  auto form = std::ranges::find_if(forms, [](const HtmlForm& f) {
    return std::ranges::any_of(f.buttons, [](const auto& b) { return b.first == "decision"; });
  });
  if (form == forms.end()) {
    return fail("flow", "no consent form with Approve/Deny on the provider page: " +
                            clip(landing->response.body));
  }
  std::vector<std::pair<std::string, std::string>> overrides;
  user_.clear();
  for (const auto& [name, options] : form->selects) {
    if (name != "user" || options.empty()) continue;
    offered_users_ = options;
    user_ = user.value_or(options.back());  // not the default first user
    overrides.emplace_back("user", user_);
  }
  const std::string value = decision == Decision::kApprove ? "approve" : "deny";
  auto submitted = browser_->submit(landing->url, *form, {"decision", value}, overrides, stop);
  if (!submitted) return std::unexpected(submitted.error());
  if (!submitted->next || !isCallback(*submitted->next)) {
    return fail("flow", "consent submission did not redirect to the gateway callback: HTTP " +
                            std::to_string(submitted->response.status) + " " +
                            clip(submitted->response.body));
  }
  return *submitted->next;
}

std::string identityProblem(const std::string& me_body, const std::string& user,
                            const std::vector<std::string>& offered) {
  if (user.empty() || me_body.find(user) != std::string::npos) return {};
  for (const std::string& other : offered) {
    if (!other.empty() && me_body.find(other) != std::string::npos) {
      return "api/me names user " + other + ", but " + user + " consented";
    }
  }
  return {};
}

Result<HttpResponse> Flow::callback(const std::string& url) { return browser_->get(url); }

Result<HttpResponse> Flow::run(const StartParams& params, Decision decision) {
  auto started = start(params);
  if (!started) return started;
  if (!authorize_url_) {
    return fail("flow", "/start did not redirect to the provider: HTTP " +
                            std::to_string(started->status) + " " +
                            started->header("Location").value_or("") + " " +
                            clip(started->body, 400));
  }
  auto callback_url = consent(decision);
  if (!callback_url) return std::unexpected(callback_url.error());
  return callback(*callback_url);
}

Result<model::AppendedParams> Flow::finalParams(const std::string& location,
                                                const std::string& destination,
                                                const model::FinalExpectation& expected) const {
  const model::SplitResult split = model::splitFinalRedirect(location, destination);
  if (!split.params) return fail("final_redirect", "C-1.3.1: " + split.problem);
  const std::string problem = model::finalRedirectProblem(*split.params, expected);
  if (!problem.empty()) return fail("final_redirect", "C-1.3.1: " + problem);
  return *split.params;
}

Result<Credential> Flow::exchange(const App& app, const std::string& code,
                                  const std::optional<std::string>& verifier) {
  auto response = world_.gateway().token({code, app.id, app.client_secret, verifier});
  if (trace_ != nullptr) {
    trace_->add("POST " + world_.publicUrl() + "/link/oauth2/token (client_id=" + app.id + ") -> " +
                (response ? std::to_string(response->status) + " " + clip(response->body, 200)
                          : response.error().message));
  }
  if (!response) return std::unexpected(response.error());
  return parseCredential(*response);
}

}  // namespace linkgate::conformance
