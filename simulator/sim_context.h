// What every provider-endpoint handler needs: the injected clock and randomness, and the stores.
#pragma once
#include "core/clock.h"
#include "core/random.h"
#include "simulator/behaviour.h"
#include "simulator/client_store.h"
#include "simulator/grant_store.h"

namespace linkgate::sim {

class IdTokenIssuer;

struct SimContext {
  const Clock& clock;
  RandomSource& random;
  ClientStore& clients;
  GrantStore& grants;
  BehaviourStore& behaviours;
  bool auto_approve = false;
  IdTokenIssuer* id_tokens = nullptr;  // OpenID Connect id_tokens (oidc_id_token.h)
};

}  // namespace linkgate::sim
