// Issue 13 (docs/CONTRACT.md C-12.6 .. C-12.8): providers whose short-lived token is traded for
// a long-lived one and renewed itself (the simulator's `long_lived` block: Instagram,
// Facebook). ProviderLongLived.<slug> runs once per such provider under test.
#pragma once
#include "conformance/harness/world.h"

namespace linkgate::conformance {

// Registers ProviderLongLived.<p.slug> when the simulator says p has long_lived calls.
void registerLongLivedCheck(const ProviderUnderTest& p);

}  // namespace linkgate::conformance
