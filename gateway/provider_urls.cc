// Connection-param validation and catalogue URL resolution (template fill + base URL mapping).
#include "gateway/provider_urls.h"

#include <algorithm>

#include "core/url.h"

namespace linkgate::gateway {
namespace {

// Belt and braces on top of the catalogue pattern: a value that could end or move the host
// part of a URL is never substituted, whatever the pattern says.
bool safeForUrl(const std::string& value) {
  return !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '/' && c != '?' && c != '#' && c != '@' && c != '\\' &&
           c != '%' && c != '{' && c != '}';
  });
}

Status checkOne(const ConnectionParam& p, const std::string& value) {
  if (value.size() > 255 || !safeForUrl(value) || !p.matches(value)) {
    return fail("bad_connection_param",
                "connection parameter '" + p.name + "' does not match its pattern " + p.pattern);
  }
  return {};
}

}  // namespace

Result<ConnectionValues> readConnectionParams(const Dialect& dialect, const Params& params) {
  ConnectionValues values;
  for (const auto& p : dialect.connection_params) {
    if (!p.from_callback.empty()) continue;  // the provider reports it in the callback
    const size_t n = params.count(p.name);
    if (n == 0) {
      return fail("bad_connection_param", "missing connection parameter '" + p.name +
                                              "' (pattern " + p.pattern + ", e.g. " + p.example +
                                              ")");
    }
    if (n > 1) return fail("bad_connection_param", "duplicated parameter '" + p.name + "'");
    auto value = *params.get(p.name);
    if (auto ok = checkOne(p, value); !ok) return std::unexpected(ok.error());
    values.emplace(p.name, std::move(value));
  }
  return values;
}

Result<ConnectionValues> checkConnectionValues(const Dialect& dialect,
                                               const ConnectionValues& values) {
  ConnectionValues out;
  for (const auto& p : dialect.connection_params) {
    auto it = values.find(p.name);
    if (it == values.end() && !p.from_callback.empty()) continue;  // not known before the callback
    if (it == values.end()) {
      return fail("bad_connection_param", "missing connection parameter '" + p.name + "'");
    }
    if (auto ok = checkOne(p, it->second); !ok) return std::unexpected(ok.error());
    out.emplace(p.name, it->second);
  }
  return out;
}

Result<ConnectionValues> callbackConnectionParams(const Dialect& dialect, const Params& query) {
  ConnectionValues out;
  for (const auto& p : dialect.connection_params) {
    if (p.from_callback.empty()) continue;
    if (query.count(p.from_callback) != 1) {
      return fail("bad_connection_param",
                  "the provider's callback carried no single '" + p.from_callback + "'");
    }
    const std::string value = *query.get(p.from_callback);
    if (value.size() > 255 || !safeForUrl(value) || !p.matches(value)) {
      return fail("bad_connection_param", "the provider's callback '" + p.from_callback +
                                              "' does not match the pattern " + p.pattern);
    }
    out.emplace(p.name, value);
  }
  return out;
}

Result<ConnectionValues> appParamValues(const Dialect& dialect, const Json& metadata) {
  ConnectionValues out;
  for (const auto& p : dialect.app_params) {
    const std::string hint = " (pattern " + p.pattern + ", e.g. " + p.example + ")";
    auto it = metadata.is_object() ? metadata.find(p.name) : metadata.end();
    if (!metadata.is_object() || it == metadata.end()) {
      return fail("bad_connection_param", dialect.display_name + " needs the OAuth app's metadata." +
                                              p.name + hint);
    }
    if (!it->is_string() || it->get_ref<const std::string&>().size() > 255 ||
        !safeForUrl(it->get<std::string>()) || !p.matches(it->get<std::string>())) {
      return fail("bad_connection_param",
                  "the OAuth app's metadata." + p.name + " does not match its pattern" + hint);
    }
    out.emplace(p.name, it->get<std::string>());
  }
  return out;
}

Result<ConnectionValues> withAppParams(const Dialect& dialect, const Json& metadata,
                                       ConnectionValues values) {
  auto app = appParamValues(dialect, metadata);
  if (!app) return app;
  for (auto& [name, value] : *app) values[name] = std::move(value);
  return values;
}

ProviderUrls::ProviderUrls(std::optional<std::string> base_url) : base_(std::move(base_url)) {
  if (base_) {
    while (!base_->empty() && base_->back() == '/') base_->pop_back();
  }
}

Result<std::string> ProviderUrls::resolve(const Dialect& dialect, const std::string& url_template,
                                          const ConnectionValues& values) const {
  std::string filled;
  for (size_t i = 0; i < url_template.size(); ++i) {
    if (url_template[i] != '{') {
      filled += url_template[i];
      continue;
    }
    const size_t end = url_template.find('}', i);
    if (end == std::string::npos) return fail("bad_catalogue", "unterminated placeholder");
    const std::string name = url_template.substr(i + 1, end - i - 1);
    const ConnectionParam* param = dialect.param(name);
    auto value = values.find(name);
    if (param == nullptr || value == values.end()) {
      return fail("bad_connection_param", "missing connection parameter '" + name + "'");
    }
    if (auto ok = checkOne(*param, value->second); !ok) return std::unexpected(ok.error());
    filled += value->second;
    i = end;
  }
  if (!base_) return filled;
  constexpr std::string_view kHttps = "https://";
  if (!filled.starts_with(kHttps)) return fail("bad_catalogue", "catalogue URL is not https");
  return *base_ + "/" + dialect.slug + "/" + filled.substr(kHttps.size());
}

std::optional<std::string> ProviderUrls::apiMe(const std::string& slug) const {
  if (!base_) return std::nullopt;
  return *base_ + "/" + slug + "/api/me";
}

}  // namespace linkgate::gateway
