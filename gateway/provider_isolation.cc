// ProviderIsolation: the breaker observer (log lines), the refusal wording, the metrics.
#include "gateway/provider_isolation.h"

namespace linkgate::gateway {
namespace {

CircuitBreakers::Observer logTransitions(const std::shared_ptr<Logger>& logger,
                                         BreakerOptions options) {
  return [&logger, options](const std::string& provider, BreakerState from, BreakerState to,
                            int failures) {
    Logger* log = logger.get();
    if (log == nullptr) return;
    const LogLevel level = to == BreakerState::kOpen ? LogLevel::kWarn : LogLevel::kInfo;
    if (!log->enabled(level)) return;
    LogFields fields = {LogField::str("provider", provider),
                        LogField::str("from", breakerStateName(from)),
                        LogField::str("to", breakerStateName(to)),
                        LogField::num("consecutive_failures", failures)};
    if (to == BreakerState::kOpen) {
      fields.push_back(LogField::num("cooldown_ms", options.cooldown.count()));
    }
    log->write(level, "provider circuit", fields);
  };
}

}  // namespace

ProviderIsolation::ProviderIsolation(const Clock& clock, const Catalogue& catalogue,
                                     IsolationOptions options, ProviderGate::Executor executor)
    : clock_(clock),
      catalogue_(catalogue),
      breakers_(clock, options.breaker, logTransitions(log_, options.breaker)),
      gate_(clock, options.gate, std::move(executor)) {
  for (const auto& [slug, dialect] : catalogue.all()) providers_.push_back(slug);
}

GatewayError ProviderIsolation::unavailable(const std::string& provider, Why why) const {
  const Dialect* d = catalogue_.find(provider);
  const std::string name = d != nullptr ? d->display_name : provider;
  switch (why) {
    case Why::kQueueTimeout:
      return gwError(Code::kProviderUnavailable,
                     name + " is busy: the gateway could not start the call within " +
                         std::to_string(gate_.options().queue_timeout.count()) +
                         " ms; try again in a moment");
    case Why::kCircuitOpen:
      return gwError(Code::kProviderUnavailable,
                     name + " is failing (its last calls timed out, failed or answered 5xx); "
                            "the gateway pauses calls to it for up to " +
                         std::to_string(breakers_.options().cooldown.count() / 1000) +
                         " s; try again later");
    case Why::kShutdown: break;
  }
  return gwError(Code::kProviderUnavailable, "the gateway is shutting down; try again");
}

int64_t ProviderIsolation::retryAfterSeconds(const std::string& provider) const {
  const auto ms = breakers_.retryAfter(provider).count();
  return ms <= 0 ? 1 : (ms + 999) / 1000;
}

std::string ProviderIsolation::renderMetrics() const {
  const auto loads = gate_.loads();
  std::string states, in_flight, queued, rejected;
  for (const auto& slug : providers_) {
    const std::string label = "{provider=\"" + slug + "\"} ";
    auto it = loads.find(slug);
    const ProviderGate::Load load = it == loads.end() ? ProviderGate::Load{} : it->second;
    states += "linkgate_provider_circuit_state" + label +
              std::to_string(static_cast<int>(breakers_.state(slug))) + "\n";
    in_flight += "linkgate_provider_in_flight" + label + std::to_string(load.in_flight) + "\n";
    queued += "linkgate_provider_queued" + label + std::to_string(load.queued) + "\n";
    rejected += "linkgate_provider_queue_timeouts_total" + label + std::to_string(load.refused) +
                "\n";
  }
  return "# HELP linkgate_provider_circuit_state Circuit breaker per provider: 0 closed, 1 open, "
         "2 half-open.\n# TYPE linkgate_provider_circuit_state gauge\n" +
         states +
         "# HELP linkgate_provider_in_flight Provider-calling requests running, per provider.\n"
         "# TYPE linkgate_provider_in_flight gauge\n" +
         in_flight +
         "# HELP linkgate_provider_queued Provider-calling requests waiting for a slot.\n"
         "# TYPE linkgate_provider_queued gauge\n" +
         queued +
         "# HELP linkgate_provider_queue_timeouts_total Requests refused because no slot of "
         "their provider was free before the queue deadline.\n"
         "# TYPE linkgate_provider_queue_timeouts_total counter\n" +
         rejected;
}

}  // namespace linkgate::gateway
