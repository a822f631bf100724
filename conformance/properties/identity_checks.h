// SPEC §9 (docs/CONTRACT.md C-9): the integrator's end user on flows and credentials, and one
// credential per provider account. ProviderSameAccount.<slug> runs once per provider under
// test; Identity.* once.
#pragma once
#include "conformance/harness/world.h"

namespace linkgate::conformance {

void registerIdentityChecks(World& world);

}  // namespace linkgate::conformance
