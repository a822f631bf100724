// Group 7: checks run once per provider under test, registered with GoogleTest at run time
// because the provider list comes from the gateway and the simulator.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "conformance/harness/world.h"

namespace linkgate::conformance {

// Registers ProviderFullFlow.<slug>, ProviderRefresh.<slug>, ProviderAccessDenied.<slug>, and
// where they apply ProviderConnectionParams.<slug> and ProviderIssChecked.<slug>. Providers in
// `unavailable` (asked for, not testable) get a full_flow check that reports not_run.
void registerProviderChecks(const std::vector<ProviderUnderTest>& providers,
                            const std::vector<std::pair<std::string, std::string>>& unavailable);

}  // namespace linkgate::conformance
