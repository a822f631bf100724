// The suite's own oracle for SPEC §1.3 (how the redirect back to the integrator is built) and
// the callback error mapping of SPEC §1.2. Plain string code; shares nothing with the gateway.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkgate::conformance::model {

// The parameters the gateway appended to D, decoded once (x-www-form-urlencoded rules, as an
// integrator's web framework reads them), in the order they appear.
struct AppendedParams {
  std::vector<std::pair<std::string, std::string>> items;
  std::optional<std::string> get(std::string_view name) const;
};

// SPEC §1.3: a Location must be D byte for byte (its existing query kept), then '?' or '&', then
// only the appended parameters code/error, error_description, state, iss, each at most once.
// Returns them, or what is wrong with the Location.
struct SplitResult {
  std::optional<AppendedParams> params;
  std::string problem;  // set when params is empty
};
SplitResult splitFinalRedirect(std::string_view location, std::string_view destination);

// What the final redirect of one flow must carry.
struct FinalExpectation {
  std::optional<std::string> error;  // nullopt: a success redirect with `code`
  std::optional<std::string> state;  // nullopt: the integrator sent none, so none comes back
  std::string iss;                   // the gateway's public URL (RFC 9207)
};
// Empty when `params` meet `expected`, else a description of the first mismatch.
std::string finalRedirectProblem(const AppendedParams& params, const FinalExpectation& expected);

// SPEC §1.2: a provider `error` reaches the integrator unchanged when it is one of the RFC 6749
// §4.1.2.1 codes, else as server_error.
std::string integratorErrorFor(std::string_view provider_error);

// SPEC §1.1/§1.2: gateway states and codes carry ≥128 bits and are URL-safe. Without knowing
// the encoding, the model requires ≥22 characters (base64url's 6 bits each) of RFC 3986
// unreserved characters.
bool looksLikeFreshSecret(std::string_view value);

}  // namespace linkgate::conformance::model
