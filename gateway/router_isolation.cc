// Issue 15 item 1: how the router sends provider-calling requests through ProviderIsolation.
// A callback waits for a slot of the provider in its path; a refresh or access-token request
// first finds out (on a worker, it is a database read) which provider it would call, and only
// then waits for that provider's slot. A request refused at the queue deadline or by an open
// circuit is answered on the disk workers (a callback still checks and uses up its flow to
// redirect to the integrator) and never calls the provider.
#include "core/params.h"
#include "gateway/pages.h"
#include "gateway/router.h"

namespace linkgate::gateway {
namespace {

constexpr std::string_view kCallbackPrefix = "/link/oauth2/callback/";
constexpr std::string_view kCredentialsPrefix = "/v1/credentials/";

// An error callback (the user denied consent, ...) calls no provider.
bool callbackCarriesError(const web::Request& request) {
  auto params = Params::parse(request.raw_query);
  return params && params->has("error");
}

}  // namespace

void Router::serveIsolated(web::Request request, web::Responder responder) {
  const auto received = Clock::now();
  const TimePoint deadline =
      isolation_->clock().now() + isolation_->gate().options().queue_timeout;
  Shared shared = std::make_shared<const web::Request>(std::move(request));
  if (shared->path.starts_with(kCallbackPrefix)) {
    const std::string slug = shared->path.substr(kCallbackPrefix.size());
    if (s_.catalogue.find(slug) != nullptr && !callbackCarriesError(*shared)) {
      admit(slug, std::move(shared), std::move(responder), received, deadline);
      return;
    }
  }
  auto classify = [this, shared, responder, received, deadline]() {
    std::optional<std::string> slug;
    if (shared->path.starts_with(kCredentialsPrefix)) {
      try {
        slug = credentialProvider(*shared);
      } catch (const std::exception&) {
        slug.reset();  // handle() answers it (and catches whatever happens there)
      }
    }
    if (!slug) return responder(handle(*shared, received));
    admit(*slug, shared, responder, received, deadline);
  };
  if (provider_pool_->post(std::move(classify))) return;
  responder(jsonError(gwError(Code::kInternal, "the gateway is shutting down")));
}

std::optional<std::string> Router::credentialProvider(const web::Request& request) {
  auto account = api_.authenticate(request);
  if (!account) return std::nullopt;
  const std::string_view rest = std::string_view(request.path).substr(kCredentialsPrefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string id(rest.substr(0, slash));
  const std::string_view action = rest.substr(slash + 1);
  if (action != "refresh" && action != "access-token") return std::nullopt;
  return api_.providerCallFor(*account, id, action == "refresh");
}

void Router::admit(const std::string& provider, Shared request, web::Responder responder,
                   Clock::time_point received, TimePoint deadline) {
  // An open circuit fails fast: no queueing behind calls that are known to fail.
  if (isolation_->breakers().state(provider) == BreakerState::kOpen) {
    refuse(provider, std::move(request), std::move(responder), received,
           ProviderIsolation::Why::kCircuitOpen);
    return;
  }
  auto work = [this, provider, request, responder, received]() {
    responder(withRetryAfter(handle(*request, received), provider));
  };
  auto refused = [this, provider, request, responder, received](ProviderGate::Refusal why) {
    refuse(provider, request, responder, received,
           why == ProviderGate::Refusal::kShutdown ? ProviderIsolation::Why::kShutdown
                                                   : ProviderIsolation::Why::kQueueTimeout);
  };
  isolation_->gate().submit(provider, deadline, std::move(work), std::move(refused));
}

void Router::refuse(const std::string& provider, Shared request, web::Responder responder,
                    Clock::time_point received, ProviderIsolation::Why why) {
  auto answer = [this, provider, request, responder, received, why]() {
    const GatewayError error = isolation_->unavailable(provider, why);
    responder(withRetryAfter(handle(*request, received, &error), provider));
  };
  // The refusal reads the flow (to redirect to the integrator): off the reactor and timer.
  if (disk_pool_ != nullptr && disk_pool_->post(answer)) return;
  answer();
}

web::Response Router::withRetryAfter(web::Response response, const std::string& provider) {
  if (response.status == 503 && response.note.error_id == codeInfo(Code::kProviderUnavailable).id &&
      !response.header("Retry-After")) {
    response.setHeader("Retry-After", std::to_string(isolation_->retryAfterSeconds(provider)));
  }
  return response;
}

}  // namespace linkgate::gateway
