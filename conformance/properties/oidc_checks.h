// Group 8: OpenID Connect checks (SPEC §8), registered per provider whose simulator profile
// speaks OIDC (its /_sim/providers/{slug}/keys answers 200) and whose gateway dialect is under
// test.
#pragma once
#include "conformance/harness/world.h"

namespace linkgate::conformance {

// Registers OidcIdToken.<slug>, OidcNonce.<slug>, OidcKeyRotation.<slug>,
// OidcRefreshIdToken.<slug> and
// OidcRejects<Fault>.<slug> for every OIDC provider of `world`.
void registerOidcChecks(World& world);

}  // namespace linkgate::conformance
