// Fills a catalogue URL template from validated connection params and applies the one
// --provider-base-url rule: https://HOST/PATH?Q -> BASE/{slug}/HOST/PATH?Q
// (fixtures/providers/README.md, "URL mapping rule").
#pragma once
#include <map>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/json.h"
#include "core/params.h"
#include "gateway/catalogue.h"

namespace linkgate::gateway {

using ConnectionValues = std::map<std::string, std::string, std::less<>>;

// Validates the dialect's connection params from a request's parameters: each declared one
// must be present once and match its pattern in full (no host injection). Fails
// "bad_connection_param" naming the parameter (never echoing an overlong value).
Result<ConnectionValues> readConnectionParams(const Dialect& dialect, const Params& params);
// Same for values from a JSON object (start links, stored credentials).
Result<ConnectionValues> checkConnectionValues(const Dialect& dialect,
                                               const ConnectionValues& values);

// The connection params the provider reports in the callback query (`from_callback`), each
// present once and matching its pattern. Fails "bad_connection_param" naming it.
Result<ConnectionValues> callbackConnectionParams(const Dialect& dialect, const Params& query);
// The dialect's app params from an OAuth app's metadata object: each must be a string matching
// its pattern. Fails "bad_connection_param" naming the field.
Result<ConnectionValues> appParamValues(const Dialect& dialect, const Json& metadata);
// values plus the app params (for filling URL templates).
Result<ConnectionValues> withAppParams(const Dialect& dialect, const Json& metadata,
                                       ConnectionValues values);

class ProviderUrls {
 public:
  explicit ProviderUrls(std::optional<std::string> base_url = std::nullopt);

  // Fills {name} placeholders with values (each must exist and pass its pattern again) and maps
  // the result onto the base URL when one is set. Fails "bad_connection_param".
  Result<std::string> resolve(const Dialect& dialect, const std::string& url_template,
                              const ConnectionValues& values) const;
  // The simulator's resource endpoint for a slug, or nullopt without a base URL.
  std::optional<std::string> apiMe(const std::string& slug) const;
  const std::optional<std::string>& base() const { return base_; }

 private:
  std::optional<std::string> base_;  // without trailing '/'
};

}  // namespace linkgate::gateway
