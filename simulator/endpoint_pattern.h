// An endpoint URL of a profile ("https://{shop}.myshopify.com/admin/oauth/token") turned into a
// matcher for the simulator path "HOST/PATH" of the URL mapping rule, and back into a URL.
#pragma once
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "simulator/profile.h"

namespace linkgate::sim {

class EndpointPattern {
 public:
  // Compiles url (https, {name} parts declared in params). Fails "bad_template" with a reason.
  static Result<EndpointPattern> compile(std::string_view url,
                                         const std::map<std::string, ParamSpec>& params);
  // Compiles a resource URL (api.resources): as compile(), and a last path segment that is
  // exactly {access_token} (kTokenSegment) matches any non-empty segment, returned by match()
  // as the parameter "access_token". {access_token} anywhere else fails.
  static Result<EndpointPattern> compileResource(std::string_view url,
                                                 const std::map<std::string, ParamSpec>& params);

  // Matches "HOST/PATH" (the request path after "/{slug}/"); returns the template parameters
  // on success. Every parameter must match its anchored pattern.
  std::optional<std::map<std::string, std::string>> match(std::string_view host_path) const;
  // "HOST/PATH" with the parameters filled in (missing ones keep "{name}").
  std::string fill(const std::map<std::string, std::string>& values) const;
  // Parameters of the URL's own query ("?a=b" in the profile URL), which requests must carry.
  const std::vector<std::pair<std::string, std::string>>& fixedQuery() const {
    return fixed_query_;
  }
  const std::vector<std::string>& paramNames() const { return names_; }

 private:
  std::string host_path_;  // template text without scheme and query
  std::vector<std::string> names_;  // in order of appearance
  std::regex regex_;
  std::map<std::string, std::regex> param_regex_;  // anchored patterns of the names
  std::vector<std::pair<std::string, std::string>> fixed_query_;
};

// The placeholder of a resource URL's token path segment (HubSpot's token-info call).
inline constexpr std::string_view kTokenSegment = "{access_token}";
inline constexpr std::string_view kTokenParam = "access_token";

// Every "{name}" in text, in order; fails on an unterminated or empty brace.
Result<std::vector<std::string>> templateNames(std::string_view text);

}  // namespace linkgate::sim
