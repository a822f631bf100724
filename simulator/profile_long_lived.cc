// long_lived: the exchange and the renewal, each read strictly; their URLs compiled as the
// router will, so a clash with another endpoint is a load error.
#include "simulator/profile_long_lived.h"

#include "simulator/endpoint_pattern.h"
#include "simulator/profile_fields.h"

namespace linkgate::sim::profile_fields {
namespace {

const EnumTable<TradeAccepts> kAccepts = {{"short_lived", TradeAccepts::kShortLived},
                                          {"long_lived", TradeAccepts::kLongLived},
                                          {"any", TradeAccepts::kAny}};
const EnumTable<std::string> kClientParams = {{"client_id", "client_id"},
                                              {"client_secret", "client_secret"}};

TokenTradeSpec readTrade(const Json& j, const std::string& f, const Profile& p,
                         const PlaceholderRules& rules) {
  Obj o(j, f,
        {"url", "methods", "grant_type", "token_param", "client_params", "accepts",
         "min_age_seconds", "response"});
  TokenTradeSpec t;
  t.on = true;
  t.url = o.optString("url");
  if (t.url) {
    auto compiled = EndpointPattern::compile(*t.url, p.params);
    if (!compiled) throw LoadError{o.field("url"), compiled.error().message};
    for (const auto* other : {&p.endpoints.authorize, &p.endpoints.token}) {
      if (*t.url == *other) throw LoadError{o.field("url"), "equals another endpoint; omit it"};
    }
    if (p.endpoints.refresh && *t.url == *p.endpoints.refresh) {
      throw LoadError{o.field("url"), "equals endpoints.refresh"};
    }
  }
  o.readEnumArray("methods", kMethods, t.methods);
  t.grant_type = o.reqString("grant_type");
  if (t.grant_type.empty() || t.grant_type == "authorization_code" ||
      t.grant_type == p.refresh.grant_type) {
    throw LoadError{o.field("grant_type"), "must be non-empty and differ from the code and "
                                           "refresh grants"};
  }
  o.readNonEmptyString("token_param", t.token_param);
  if (t.token_param == "grant_type" || t.token_param == "client_id" ||
      t.token_param == "client_secret") {
    throw LoadError{o.field("token_param"), "must not be a grant or client parameter"};
  }
  if (o.has("client_params")) {
    const Json& list = *o.get("client_params");
    if (!list.is_array()) throw LoadError{o.field("client_params"), "must be an array"};
    for (size_t i = 0; i < list.size(); ++i) {
      std::string v = o.enumValue(list[i], o.field("client_params") + "[" + std::to_string(i) + "]",
                                  kClientParams);
      if (std::find(t.client_params.begin(), t.client_params.end(), v) != t.client_params.end()) {
        throw LoadError{o.field("client_params"), "duplicate value"};
      }
      t.client_params.push_back(v);
    }
  }
  o.readEnum("accepts", kAccepts, t.accepts);
  o.readInt("min_age_seconds", 0, 86400 * 365, t.min_age_seconds);
  const Json* r = o.get("response");
  if (r == nullptr) throw LoadError{o.field("response"), "required"};
  Obj ro(*r, o.field("response"), {"status", "body"});
  ro.readStatus("status", t.response.status);
  if (t.response.status < 200 || t.response.status > 299) {
    throw LoadError{ro.field("status"), "must be 2xx"};
  }
  const Json* body = ro.get("body");
  if (body == nullptr || !body->is_object()) throw LoadError{ro.field("body"), "required object"};
  t.response.body = *body;
  checkTemplate(t.response.body, ro.field("body"), rules);
  if (!t.response.body.contains("access_token")) {
    throw LoadError{ro.field("body"), "must carry access_token"};
  }
  return t;
}

}  // namespace

LongLivedSpec readLongLived(const Json& j, const Profile& p, const PlaceholderRules& token_rules) {
  Obj o(j, "long_lived", {"ttl_seconds", "exchange", "renew"});
  LongLivedSpec l;
  l.on = true;
  o.readInt("ttl_seconds", 1, int64_t{1} << 40, l.ttl_seconds);
  if (!o.has("ttl_seconds")) throw LoadError{o.field("ttl_seconds"), "required"};
  if (!o.has("exchange")) throw LoadError{o.field("exchange"), "required"};
  l.exchange = readTrade(*o.get("exchange"), o.field("exchange"), p, token_rules);
  if (l.exchange.accepts == TradeAccepts::kLongLived) {
    throw LoadError{o.field("exchange.accepts"), "the exchange must take a short-lived token"};
  }
  if (const Json* r = o.get("renew")) {
    l.renew = readTrade(*r, o.field("renew"), p, token_rules);
    if (l.renew.grant_type == l.exchange.grant_type && l.renew.url == l.exchange.url) {
      throw LoadError{o.field("renew"), "is the exchange itself; omit it"};
    }
    if (l.exchange.accepts == TradeAccepts::kAny) {
      throw LoadError{o.field("exchange.accepts"), "any: the exchange renews, so no renew"};
    }
  } else if (l.exchange.accepts != TradeAccepts::kAny) {
    throw LoadError{o.field("renew"), "required unless the exchange accepts any token"};
  }
  if (p.refresh.issued.kind != IssueKind::kNever) {
    throw LoadError{"long_lived", "only with refresh.issued never (no refresh token exists)"};
  }
  return l;
}

}  // namespace linkgate::sim::profile_fields
