// The control API under /_sim/ (README.md): health, providers, clients, reset, journal, faults,
// clock and run-time behaviour switches. JSON in and out; bad input is a 400 with a reason and
// changes nothing.
#pragma once
#include "core/clock.h"
#include "simulator/behaviour.h"
#include "simulator/client_store.h"
#include "simulator/fault_store.h"
#include "simulator/grant_store.h"
#include "simulator/journal.h"
#include "simulator/router.h"
#include "web/http.h"

namespace linkgate::sim {

class ControlApi {
 public:
  struct Deps {
    const Router& router;
    ClientStore& clients;
    GrantStore& grants;
    Journal& journal;
    FaultStore& faults;
    BehaviourStore& behaviours;
    OffsetClock& clock;
  };
  explicit ControlApi(Deps deps) : d_(deps) {}

  // Answers any request whose path is /_sim or starts with /_sim/. Thread-safe.
  web::Response handle(const web::Request& request);

  // The /_sim/providers entry of one provider; base is "http://host:port".
  static Json providerJson(const Provider& provider, const std::string& base,
                           const Behaviour& behaviour);

 private:
  web::Response providers(const web::Request& request);
  web::Response clients(const web::Request& request, const std::vector<std::string>& rest);
  web::Response reset(const web::Request& request);
  web::Response journal(const web::Request& request);
  web::Response faults(const web::Request& request);
  web::Response clock(const web::Request& request);
  web::Response behaviour(const web::Request& request, const std::string& slug);
  web::Response introspect(const web::Request& request);
  Json clockJson() const;

  Deps d_;
};

}  // namespace linkgate::sim
