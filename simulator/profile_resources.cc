// api.resources: each entry read strictly, its URL compiled as the router will, its key checked
// against the body template.
#include "simulator/profile_resources.h"

#include <regex>

#include "simulator/endpoint_pattern.h"
#include "simulator/profile_fields.h"

namespace linkgate::sim::profile_fields {
namespace {

const EnumTable<ResourceTokenIn> kResourceTokenIn = {{"bearer", ResourceTokenIn::kBearer},
                                                     {"header", ResourceTokenIn::kHeader},
                                                     {"path", ResourceTokenIn::kPath}};

ResourceSpec readResource(const Json& j, const std::string& f, const Profile& p,
                          const PlaceholderRules& rules) {
  Obj o(j, f, {"url", "token_in", "name", "prefix", "body", "key"});
  ResourceSpec r;
  r.url = o.reqString("url");
  auto compiled = EndpointPattern::compileResource(r.url, p.params);
  if (!compiled) throw LoadError{o.field("url"), compiled.error().message};
  o.readEnum("token_in", kResourceTokenIn, r.token_in);
  bool token_segment = r.url.ends_with(kTokenSegment);
  if (r.token_in == ResourceTokenIn::kPath && !token_segment) {
    throw LoadError{o.field("token_in"), "path needs a url ending in /{access_token}"};
  }
  if (r.token_in != ResourceTokenIn::kPath && token_segment) {
    throw LoadError{o.field("url"), "ends in /{access_token}: only with token_in path"};
  }
  if (r.token_in == ResourceTokenIn::kHeader) {
    r.name = o.reqString("name");
    if (!std::regex_match(r.name, std::regex("^[A-Za-z0-9-]+$"))) {
      throw LoadError{o.field("name"), "not a valid header name"};
    }
    o.readString("prefix", r.prefix);
  } else {
    for (const char* key : {"name", "prefix"}) {
      if (o.has(key)) throw LoadError{o.field(key), "only with token_in header"};
    }
  }
  if (!o.has("body")) throw LoadError{o.field("body"), "required"};
  r.body = *o.get("body");
  PlaceholderRules body_rules = rules;
  body_rules.presented_token = true;
  checkTemplate(r.body, o.field("body"), body_rules);
  r.key = o.reqString("key");
  const Json* kept = atKeyPath(r.body, r.key);
  if (!kept) throw LoadError{o.field("key"), "\"" + r.key + "\" does not resolve in the body"};
  if (!kept->is_string() && !kept->is_number()) {
    throw LoadError{o.field("key"), "\"" + r.key + "\" names a value of type " +
                                        typeName(*kept) + ", not a string or number"};
  }
  return r;
}

}  // namespace

std::vector<ResourceSpec> readResources(const Json& j, const std::string& path, const Profile& p,
                                        const PlaceholderRules& me_rules) {
  if (!j.is_array()) throw LoadError{path, "must be an array, not " + typeName(j)};
  std::vector<ResourceSpec> out;
  for (size_t i = 0; i < j.size(); ++i) {
    std::string f = path + "[" + std::to_string(i) + "]";
    ResourceSpec r = readResource(j[i], f, p, me_rules);
    // The router tries endpoints first: a resource at an endpoint's URL would never answer.
    const auto& e = p.endpoints;
    if (r.url == e.authorize || r.url == e.token || (e.refresh && r.url == *e.refresh)) {
      throw LoadError{f + ".url", "is an endpoints URL"};
    }
    for (const auto& earlier : out) {
      if (earlier.url == r.url) throw LoadError{f + ".url", "duplicate resource url"};
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace linkgate::sim::profile_fields
