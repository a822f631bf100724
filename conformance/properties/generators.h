// RapidCheck generators for the suite's inputs: registered redirect-URI sets, candidate
// redirect URIs (registered ones and their mutations), registration candidates, states.
#pragma once
#include <rapidcheck.h>

#include <string>
#include <vector>

namespace linkgate::conformance::gen {

// A registrable redirect URI (https, or http on loopback/localhost), sometimes with
// `:provider` tokens in path or query and an existing query.
rc::Gen<std::string> registeredUri();
// 1..3 distinct registrable URIs.
rc::Gen<std::vector<std::string>> registeredSet();
// A registrable URI with at least one `:provider` token.
rc::Gen<std::string> registeredUriWithToken();

struct Mutation {
  std::string name;  // "trailing_slash_added", ...; shows in counterexamples
  std::string uri;
};
// Every mutation of `uri` the suite knows (identity included): case, trailing slash,
// percent-encoding, query added/removed, fragment, userinfo, port, sub/super-domain, dot
// segments, `:provider` next to letters or in the host, this and other providers'
// substitutions, loopback ports (`loopback_port` is used for those).
std::vector<Mutation> mutationsOf(const std::string& uri, const std::string& slug,
                                  const std::vector<std::string>& other_slugs, int loopback_port);
// A mutation of one of `registered`, picked at random.
rc::Gen<Mutation> candidate(const std::vector<std::string>& registered, const std::string& slug,
                            const std::vector<std::string>& other_slugs);

// Strings to register: valid ones and near misses of each SPEC §2 registration rule.
rc::Gen<std::string> registrationCandidate();
// The fixed table of registration inputs run before the random ones.
std::vector<std::string> registrationExamples();

// An integrator state: any bytes up to 4096, biased toward reserved characters, '%'
// sequences, '+', spaces, unicode, NUL, markup, and the 0 and 4096 boundaries.
rc::Gen<std::string> state();
// The fixed table of states run before the random ones.
std::vector<std::string> stateExamples();
// Longer than 4096 bytes after decoding.
rc::Gen<std::string> tooLongState();

// A provider `error` value for a callback: RFC 6749 codes, other codes, odd bytes.
rc::Gen<std::string> providerError();

// Markup with a unique marker, for "echoed input is escaped" (SPEC §7).
rc::Gen<std::string> markupPayload();
// A header-splitting payload: CR/LF (raw, percent-encoded, or the UTF-8 that some stacks fold
// to CR/LF) followed by a header line carrying a unique "lgh..." marker.
rc::Gen<std::string> headerSplitPayload();

}  // namespace linkgate::conformance::gen
