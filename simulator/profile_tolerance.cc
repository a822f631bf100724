// The tolerance readers: every tolerance names what it accepts and why (`evidence`, non-empty).
#include "simulator/profile_tolerance.h"

#include <regex>

#include "simulator/profile_fields.h"

namespace linkgate::sim {
namespace {

using namespace profile_fields;

std::string evidence(const Obj& o) {
  std::string e = o.reqString("evidence");
  if (e.empty()) throw LoadError{o.field("evidence"), "must not be empty"};
  return e;
}

// {"accept": [values], "evidence": "..."}
template <class T>
Tolerated<T> readTolerated(const Obj& parent, std::string_view key, const EnumTable<T>& table) {
  Tolerated<T> out;
  const Json* v = parent.get(key);
  if (!v) return out;
  Obj o(*v, parent.field(key), {"accept", "evidence"});
  if (!o.has("accept")) throw LoadError{o.field("accept"), "required"};
  o.readEnumArray("accept", table, out.accept);
  out.evidence = evidence(o);
  return out;
}

// {"evidence": "..."}
Tolerance readFlag(const Obj& parent, std::string_view key) {
  Tolerance out;
  const Json* v = parent.get(key);
  if (!v) return out;
  Obj o(*v, parent.field(key), {"evidence"});
  out.on = true;
  out.evidence = evidence(o);
  return out;
}

template <class T>
Json toleratedJson(const Tolerated<T>& t) {
  Json values = Json::array();
  for (const auto& v : t.accept) {
    if constexpr (std::is_same_v<T, std::string>) {
      values.push_back(v);
    } else {
      values.push_back(std::string(wireName(v)));
    }
  }
  return Json{{"accept", values}, {"evidence", t.evidence}};
}

Json tokenJson(const TokenTolerance& t) {
  Json out = Json::object();
  if (!t.client_auth.accept.empty()) out["client_auth"] = toleratedJson(t.client_auth);
  if (!t.encoding.accept.empty()) out["encoding"] = toleratedJson(t.encoding);
  if (!t.methods.accept.empty()) out["methods"] = toleratedJson(t.methods);
  if (t.unencoded_basic.on) out["unencoded_basic"] = Json{{"evidence", t.unencoded_basic.evidence}};
  if (t.auth_both_ways.on) out["auth_both_ways"] = Json{{"evidence", t.auth_both_ways.evidence}};
  if (t.grant_type_absent.on) {
    out["grant_type_absent"] = Json{{"evidence", t.grant_type_absent.evidence}};
  }
  return out;
}

}  // namespace

AuthorizeTolerance readAuthorizeTolerance(const Json& j, const std::string& path) {
  Obj o(j, path, {"response_type", "scope_separator"});
  AuthorizeTolerance out;
  static const EnumTable<ScopeSeparator> kListSeparators = {{"space", ScopeSeparator::kSpace},
                                                            {"comma", ScopeSeparator::kComma}};
  out.scope_separator = readTolerated(o, "scope_separator", kListSeparators);
  // Any string: "" stands for the parameter left out.
  const Json* v = o.get("response_type");
  if (v) {
    Obj r(*v, o.field("response_type"), {"accept", "evidence"});
    const Json* accept = r.get("accept");
    if (!accept || !accept->is_array() || accept->empty()) {
      throw LoadError{r.field("accept"), "must be a non-empty array of strings"};
    }
    for (const auto& a : *accept) {
      if (!a.is_string()) throw LoadError{r.field("accept"), "must be a non-empty array of strings"};
      out.response_type.accept.push_back(a.get<std::string>());
    }
    out.response_type.evidence = evidence(r);
  }
  return out;
}

OpenScopes readOpenScopes(const Json& j, const std::string& path) {
  Obj o(j, path, {"patterns", "evidence"});
  OpenScopes out;
  if (!o.has("patterns")) throw LoadError{o.field("patterns"), "required"};
  out.patterns = o.stringArray("patterns", true);
  for (size_t i = 0; i < out.patterns.size(); ++i) {
    try {
      std::regex re(out.patterns[i], std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      throw LoadError{o.field("patterns") + "[" + std::to_string(i) + "]",
                      "not a valid ECMAScript regex"};
    }
  }
  out.evidence = evidence(o);
  return out;
}

TokenTolerance readTokenTolerance(const Json& j, const std::string& path) {
  Obj o(j, path, {"client_auth", "encoding", "methods", "unencoded_basic", "auth_both_ways",
                  "grant_type_absent"});
  TokenTolerance out;
  out.client_auth = readTolerated(o, "client_auth", kClientAuth);
  out.encoding = readTolerated(o, "encoding", kEncodings);
  out.methods = readTolerated(o, "methods", kMethods);
  out.unencoded_basic = readFlag(o, "unencoded_basic");
  out.auth_both_ways = readFlag(o, "auth_both_ways");
  out.grant_type_absent = readFlag(o, "grant_type_absent");
  return out;
}

ApiTolerance readApiTolerance(const Json& j, const std::string& path) {
  Obj o(j, path, {"token_in"});
  ApiTolerance out;
  out.token_in = readTolerated(o, "token_in", kTokenIn);
  return out;
}

std::string ruleRefusal(const std::string& rule, const std::string& what, bool tolerated,
                        bool strict_docs) {
  std::string out = rule + ": " + what;
  if (tolerated && strict_docs) {
    return out + " — refused in --strict-docs mode (the provider accepts it otherwise); see recipe";
  }
  return out + " — not what this provider accepts; see recipe";
}

Json toleranceJson(const Profile& p) {
  Json out = Json::object();
  const AuthorizeTolerance& a = p.authorize.tolerate;
  if (!a.response_type.accept.empty()) {
    out["authorize"]["response_type"] = toleratedJson(a.response_type);
  }
  if (!a.scope_separator.accept.empty()) {
    out["authorize"]["scope_separator"] = toleratedJson(a.scope_separator);
  }
  if (Json t = tokenJson(p.token.tolerate); !t.empty()) out["token"] = t;
  if (Json r = tokenJson(p.refresh.tolerate); !r.empty()) out["refresh"] = r;
  if (!p.api.tolerate.token_in.accept.empty()) {
    out["api"] = Json{{"token_in", toleratedJson(p.api.tolerate.token_in)}};
  }
  return out;
}

}  // namespace linkgate::sim
