// SPEC §1.3 and the §1.2 error mapping as plain string operations.
#include "conformance/model/final_redirect.h"

namespace linkgate::conformance::model {
namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One x-www-form-urlencoded decoding: %XX and '+' as space. nullopt on a broken escape.
std::optional<std::string> formDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() || hexDigit(s[i + 1]) < 0 || hexDigit(s[i + 2]) < 0) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(hexDigit(s[i + 1]) * 16 + hexDigit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool isAppendedName(std::string_view name) {
  return name == "code" || name == "error" || name == "error_description" || name == "state" ||
         name == "iss";
}

std::string shown(std::string_view s) {
  return s.size() > 80 ? std::string(s.substr(0, 80)) + "..." : std::string(s);
}

}  // namespace

std::optional<std::string> AppendedParams::get(std::string_view name) const {
  for (const auto& [n, v] : items) {
    if (n == name) return v;
  }
  return std::nullopt;
}

SplitResult splitFinalRedirect(std::string_view location, std::string_view destination) {
  SplitResult result;
  if (destination.find('#') != std::string_view::npos) {
    result.problem = "destination has a fragment; C-2.5 registration forbids that";
    return result;
  }
  if (!location.starts_with(destination)) {
    result.problem = "Location does not start with the destination D byte for byte: Location=" +
                     shown(location) + " D=" + shown(destination);
    return result;
  }
  std::string_view rest = location.substr(destination.size());
  const size_t d_query = destination.find('?');
  if (d_query == std::string_view::npos) {
    if (!rest.starts_with("?")) {
      result.problem = "parameters not appended with '?' after D: rest=" + shown(rest);
      return result;
    }
    rest.remove_prefix(1);
  } else if (!destination.ends_with("?") && !destination.ends_with("&")) {
    // D already has parameters: ours must be separated from them by '&'.
    if (!rest.starts_with("&")) {
      result.problem = "parameters not appended with '&' after D's query: rest=" + shown(rest);
      return result;
    }
    rest.remove_prefix(1);
  } else if (rest.starts_with("&")) {
    rest.remove_prefix(1);
  }
  if (rest.find('#') != std::string_view::npos) {
    result.problem = "Location has a fragment";
    return result;
  }
  AppendedParams params;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view segment = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (segment.empty()) continue;
    const size_t eq = segment.find('=');
    if (eq == std::string_view::npos) {
      result.problem = "appended segment without '=': " + shown(segment);
      return result;
    }
    const std::string name(segment.substr(0, eq));
    if (!isAppendedName(name)) {
      result.problem = "unexpected appended parameter '" + shown(name) + "'";
      return result;
    }
    if (params.get(name)) {
      result.problem = "parameter '" + name + "' appended twice";
      return result;
    }
    const std::optional<std::string> value = formDecode(segment.substr(eq + 1));
    if (!value) {
      result.problem = "parameter '" + name + "' has a broken percent escape";
      return result;
    }
    params.items.emplace_back(name, *value);
  }
  result.params = std::move(params);
  return result;
}

std::string finalRedirectProblem(const AppendedParams& params, const FinalExpectation& expected) {
  const auto code = params.get("code");
  const auto error = params.get("error");
  if (expected.error) {
    if (code) return "expected error=" + *expected.error + " but got a code";
    if (!error) return "expected error=" + *expected.error + " but no error parameter";
    if (*error != *expected.error) return "error=" + *error + ", expected " + *expected.error;
    if (!params.get("error_description")) return "error without error_description";
  } else {
    if (error) return "expected a code but got error=" + shown(*error);
    if (!code || code->empty()) return "no code in the success redirect";
    if (params.get("error_description")) return "error_description in a success redirect";
  }
  const auto state = params.get("state");
  if (expected.state && !state) return "state was sent but did not come back";
  if (!expected.state && state) return "state came back although none was sent";
  if (expected.state && *state != *expected.state) {
    return "state changed: sent " + std::to_string(expected.state->size()) + " bytes, got " +
           std::to_string(state->size()) + " bytes (first difference at byte " +
           std::to_string([&] {
             size_t i = 0;
             while (i < state->size() && i < expected.state->size() &&
                    (*state)[i] == (*expected.state)[i]) {
               ++i;
             }
             return i;
           }()) +
           ")";
  }
  const auto iss = params.get("iss");
  if (!iss) return "no iss (RFC 9207) in the redirect";
  if (*iss != expected.iss) return "iss=" + shown(*iss) + ", expected " + expected.iss;
  return {};
}

std::string integratorErrorFor(std::string_view provider_error) {
  // RFC 6749 §4.1.2.1's error codes for the authorization response.
  for (std::string_view rfc : {"invalid_request", "unauthorized_client", "access_denied",
                               "unsupported_response_type", "invalid_scope", "server_error",
                               "temporarily_unavailable"}) {
    if (provider_error == rfc) return std::string(rfc);
  }
  return "server_error";
}

bool looksLikeFreshSecret(std::string_view value) {
  if (value.size() < 22) return false;
  for (char c : value) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (!unreserved) return false;
  }
  return true;
}

}  // namespace linkgate::conformance::model
