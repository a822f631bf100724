// Generated open-redirect attacks: stacked mutations of registered redirect URIs, for the bulk
// check redirect_uri.generated_attacks (issue 15). Deterministic for a seed, so a failure names
// an input that the same seed reproduces.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "conformance/properties/generators.h"

namespace linkgate::conformance::gen {

// `count` distinct candidates: each is a registered URI or one of its mutationsOf(), with one to
// three further operators stacked on top (homoglyphs, punycode, backslashes, encoded and
// double-encoded separators, NUL/CR/LF/TAB, loopback and IPv6 forms, port forms, userinfo,
// fragments and extra parameters, dot segments, `:provider` look-alikes, case and byte edits).
// A name reads like "query_added+backslash+port_form".
std::vector<Mutation> redirectAttacks(const std::vector<std::string>& registered,
                                      const std::string& slug,
                                      const std::vector<std::string>& other_slugs, uint64_t seed,
                                      size_t count);

// The stacked operators' names, in a fixed order (for the report and the unit test).
std::vector<std::string> attackOperatorNames();

}  // namespace linkgate::conformance::gen
