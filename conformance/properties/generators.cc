// The suite's input generators. Mutations are listed by name so a shrunk counterexample says
// which one the gateway got wrong.
#include "conformance/properties/generators.h"

#include <cctype>

#include "conformance/model/redirect_model.h"

namespace linkgate::conformance::gen {
namespace {

const std::vector<std::string> kOrigins = {
    "https://app.conf.example",   "https://app.conf.example:8443", "https://Sub.app.conf.example",
    "https://conf.example.org",   "http://127.0.0.1",              "http://127.0.0.1:8080",
    "http://[::1]",               "http://[::1]:9000",             "http://localhost:3000"};
const std::vector<std::string> kSegments = {"cb",   "callback",       "oauth", ":provider",
                                            "x:provider", ":provider.json", "a%20b", "~u",
                                            "v1",   "Done"};
const std::vector<std::string> kQueries = {"a=1", "next=%2Fhome", "p=:provider", "tenant=t-1",
                                           "empty=", "flag"};

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

rc::Gen<std::string> buildUri(bool force_token) {
  return rc::gen::exec([force_token] {
    const std::string origin = *rc::gen::elementOf(kOrigins);
    auto segments = *rc::gen::container<std::vector<std::string>>(
        *rc::gen::inRange<size_t>(0, 4), rc::gen::elementOf(kSegments));
    if (force_token) {
      const size_t at = *rc::gen::inRange<size_t>(0, segments.size() + 1);
      segments.insert(segments.begin() + static_cast<long>(at), ":provider");
    }
    std::string uri = origin + "/" + join(segments, "/");
    if (!segments.empty() && *rc::gen::inRange(0, 4) == 0) uri += "/";
    if (*rc::gen::inRange(0, 3) == 0) {
      auto queries = *rc::gen::container<std::vector<std::string>>(
          *rc::gen::inRange<size_t>(1, 3), rc::gen::elementOf(kQueries));
      uri += "?" + join(queries, "&");
    }
    return uri;
  });
}

struct Cut {
  std::string scheme, authority, path, query_and_more;  // query_and_more starts with '?' or empty
};

Cut cut(const std::string& uri) {
  Cut c;
  const size_t sep = uri.find("://");
  c.scheme = uri.substr(0, sep);
  const size_t auth_start = sep + 3;
  size_t auth_end = uri.find_first_of("/?#", auth_start);
  if (auth_end == std::string::npos) auth_end = uri.size();
  c.authority = uri.substr(auth_start, auth_end - auth_start);
  size_t path_end = uri.find_first_of("?#", auth_end);
  if (path_end == std::string::npos) path_end = uri.size();
  c.path = uri.substr(auth_end, path_end - auth_end);
  c.query_and_more = uri.substr(path_end);
  return c;
}

std::string glue(const Cut& c) { return c.scheme + "://" + c.authority + c.path + c.query_and_more; }

std::pair<std::string, std::string> hostPort(const std::string& authority) {
  size_t colon = authority[0] == '[' ? authority.find("]:") : authority.find(':');
  if (colon == std::string::npos) return {authority, ""};
  if (authority[0] == '[') ++colon;
  return {authority.substr(0, colon), authority.substr(colon)};
}

bool isIp(const std::string& host) {
  return host.starts_with("[") || host.find_first_not_of("0123456789.") == std::string::npos;
}

}  // namespace

rc::Gen<std::string> registeredUri() { return buildUri(false); }
rc::Gen<std::string> registeredUriWithToken() { return buildUri(true); }

rc::Gen<std::vector<std::string>> registeredSet() {
  return rc::gen::exec([] {
    std::vector<std::string> set;
    const size_t n = *rc::gen::inRange<size_t>(1, 4);
    for (size_t i = 0; i < n; ++i) {
      std::string uri = *registeredUri();
      if (std::find(set.begin(), set.end(), uri) == set.end()) set.push_back(uri);
    }
    return set;
  });
}

std::vector<Mutation> mutationsOf(const std::string& uri, const std::string& slug,
                                  const std::vector<std::string>& other_slugs, int loopback_port) {
  std::vector<Mutation> out;
  auto add = [&](const std::string& name, const std::string& value) {
    out.push_back({name, value});
  };
  add("identity", uri);
  const Cut c = cut(uri);
  const auto [host, port] = hostPort(c.authority);
  const bool has_query = c.query_and_more.starts_with("?");
  {
    Cut m = c;
    if (m.path.ends_with("/")) {
      m.path.pop_back();
      add("trailing_slash_removed", glue(m));
    } else {
      m.path += "/";
      add("trailing_slash_added", glue(m));
    }
  }
  for (size_t i = 0; i < c.path.size(); ++i) {
    if (std::islower(static_cast<unsigned char>(c.path[i]))) {
      Cut m = c;
      m.path[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(m.path[i])));
      add("path_case_changed", glue(m));
      Cut e = c;
      static const char* kHex = "0123456789ABCDEF";
      const auto ch = static_cast<unsigned char>(c.path[i]);
      e.path = c.path.substr(0, i) + "%" + kHex[ch >> 4] + kHex[ch & 15] + c.path.substr(i + 1);
      add("percent_encoded_letter", glue(e));
      break;
    }
  }
  if (const size_t pct = c.path.find("%2"); pct != std::string::npos) {
    Cut m = c;
    m.path.replace(pct, 1, "%25");
    add("double_encoded", glue(m));
  }
  {
    Cut m = c;
    for (char& ch : m.authority) {
      if (std::islower(static_cast<unsigned char>(ch))) {
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        break;
      }
    }
    if (m.authority != c.authority) add("host_case_changed", glue(m));
    Cut s = c;
    for (char& ch : s.scheme) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    add("scheme_upper_case", glue(s));
    Cut w = c;
    w.scheme = c.scheme == "https" ? "http" : "https";
    add("scheme_swapped", glue(w));
  }
  {
    const std::string before_fragment = glue(c);
    add("query_added", before_fragment + (has_query ? "&" : "?") + "x=1");
    if (has_query) {
      Cut m = c;
      m.query_and_more.clear();
      add("query_removed", glue(m));
      if (const size_t amp = c.query_and_more.rfind('&'); amp != std::string::npos) {
        Cut p = c;
        p.query_and_more = c.query_and_more.substr(0, amp);
        add("query_param_removed", glue(p));
      }
    } else {
      add("empty_query_added", before_fragment + "?");
    }
    add("fragment_added", before_fragment + "#f");
    add("empty_fragment_added", before_fragment + "#");
    add("trailing_space", before_fragment + " ");
  }
  {
    Cut m = c;
    m.authority = "user@" + c.authority;
    add("userinfo_added", glue(m));
    Cut p = c;
    if (port.empty()) {
      p.authority = host + (c.scheme == "https" ? ":443" : ":80");
      add("default_port_added", glue(p));
    } else {
      p.authority = host + ":8444";
      add("port_changed", glue(p));
      Cut r = c;
      r.authority = host;
      add("port_removed", glue(r));
    }
    if (host == "127.0.0.1" || host == "[::1]") {
      Cut l = c;
      l.authority = host + ":" + std::to_string(loopback_port);
      add("loopback_port", glue(l));
    }
    Cut sub = c;
    sub.authority = "evil." + host + port;
    add("subdomain_added", glue(sub));
    Cut super = c;
    super.authority = host + ".evil.example" + port;
    add("superdomain_added", glue(super));
    if (!isIp(host) && std::count(host.begin(), host.end(), '.') >= 2) {
      Cut parent = c;
      parent.authority = host.substr(host.find('.') + 1) + port;
      add("parent_domain", glue(parent));
    }
    Cut token_host = c;
    token_host.authority = ":provider.conf.example" + port;
    add("token_in_host", glue(token_host));
  }
  {
    Cut d = c;
    d.path = "/." + (c.path.empty() ? "/" : c.path);
    add("dot_segment", glue(d));
    Cut dd = c;
    dd.path = "/x/.." + (c.path.empty() ? "/" : c.path);
    add("dot_dot_segment", glue(dd));
    Cut ds = c;
    ds.path = "/" + (c.path.empty() ? "/" : c.path);
    add("double_slash", glue(ds));
  }
  for (size_t i = 0; i < uri.size(); ++i) {
    if (!model::isProviderTokenAt(uri, i)) continue;
    std::string m = uri;
    m.insert(i + 9, "s");
    add("token_followed_by_letter", m);
    std::string u = uri;
    u.replace(i, 9, ":Provider");
    add("token_case_changed", u);
    break;
  }
  if (uri.find(":provider") != std::string::npos) {
    add("own_substitution", model::substituteProvider(uri, slug));
    for (size_t i = 0; i < other_slugs.size() && i < 2; ++i) {
      add("other_provider_substitution", model::substituteProvider(uri, other_slugs[i]));
    }
  } else if (const size_t at = c.path.find("/" + slug); at != std::string::npos) {
    Cut m = c;
    m.path.replace(at + 1, slug.size(), ":provider");
    add("slug_replaced_by_token", glue(m));
  }
  return out;
}

rc::Gen<Mutation> candidate(const std::vector<std::string>& registered, const std::string& slug,
                            const std::vector<std::string>& other_slugs) {
  return rc::gen::exec([=] {
    const std::string base = *rc::gen::elementOf(registered);
    const int port = *rc::gen::inRange(1024, 65536);
    const std::vector<Mutation> all = mutationsOf(base, slug, other_slugs, port);
    const size_t index = *rc::gen::inRange<size_t>(0, all.size());
    return all[index];
  });
}

std::vector<std::string> registrationExamples() {
  return {"https://app.conf.example/cb",
          "https://app.conf.example",
          "https://app.conf.example:8443/cb?x=1&y=",
          "http://localhost/cb",
          "http://127.0.0.1:8080/cb",
          "http://[::1]/cb",
          "https://app.conf.example/cb/:provider?p=:provider",
          "https://app.conf.example/cb?codes=1&my_state=2",
          "/cb",
          "app.conf.example/cb",
          "https:///cb",
          "https://app.conf.example/cb#x",
          "https://app.conf.example/cb#",
          "https://user@app.conf.example/cb",
          "http://app.conf.example/cb",
          "ftp://app.conf.example/cb",
          "http://localhost.conf.example/cb",
          "https://:provider.conf.example/cb",
          "https://app.conf.example/cb?code=1",
          "https://app.conf.example/cb?a=1&state=2",
          "https://app.conf.example/cb?error=x",
          "https://app.conf.example/cb?error_description=x",
          "https://app.conf.example/cb?iss=x",
          "https://app.conf.example/c b",
          "https://app.conf.example/%zz",
          "https://app.conf.example:99999/",
          "https://app.conf.example/" + std::string(2048 - 25, 'a'),
          "https://app.conf.example/" + std::string(2049 - 25, 'a')};
}

rc::Gen<std::string> registrationCandidate() {
  static const std::vector<std::string> kBreakers = {
      "#x", "#", "?code=1", "?state=s", "?error=e", "?error_description=d", "?iss=i",
      " ",  "%", "\xC3\xA9", "<x>", "%zz"};
  static const std::vector<std::string> kJunk = {
      "https://", "http://", "h", ".", "/", "?", "#", "@", ":", ":provider", "%", "%41",
      " ", "code=", "&", "localhost", "127.0.0.1", "[::1]", "ftp://", "\\", "x"};
  return rc::gen::weightedOneOf<std::string>({
      {4, registeredUri()},
      {3, rc::gen::exec([] {
         const std::string uri = *registeredUri();
         const Cut c = cut(uri);
         switch (*rc::gen::inRange(0, 6)) {
           case 0: return uri + *rc::gen::elementOf(kBreakers);
           case 1: return c.scheme + "://u:p@" + c.authority + c.path + c.query_and_more;
           case 2: return "http://app.conf.example" + c.path + c.query_and_more;
           case 3: return c.scheme + "://:provider." + c.authority + c.path;
           case 4: return c.scheme + "://" + c.authority + ":8x" + c.path;
           default: return std::string("ftp://") + c.authority + c.path;
         }
       })},
      {2, rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(kJunk)),
                       [](const std::vector<std::string>& parts) { return join(parts, ""); })},
      {1, rc::gen::map(rc::gen::inRange(2040, 2060), [](int n) {
         const std::string base = "https://app.conf.example/";
         return base + std::string(static_cast<size_t>(n) - base.size(), 'a');
       })},
  });
}

std::vector<std::string> stateExamples() {
  return {"",
          "a",
          "a+b c",
          "+",
          "%2B",
          "%20",
          "%",
          "%zz",
          "&code=injected&state=x",
          "=",
          "?#/",
          "\xC3\xA9t\xC3\xA9",
          "\xF0\x9F\x98\x80",
          std::string("\0\x01\r\n\x7f", 5),
          "\xff\xfe",
          "<script>x</script>",
          "   ",
          "{\"json\":[1,2]}",
          std::string(4096, 'a'),
          std::string(4096, '\xff')};
}

rc::Gen<std::string> state() {
  static const std::vector<std::string> kPieces = {
      "+", " ", "%", "%2B", "%20", "&", "=", "?", "#", "/", ";", "\xC3\xA9", "\xF0\x9F\x98\x80",
      std::string(1, '\0'), "\r\n", "<", ">", "'", "\"", "\\", "~", "%%", "%zz", "a", "Z", "0"};
  return rc::gen::weightedOneOf<std::string>({
      {3, rc::gen::container<std::string>(rc::gen::arbitrary<char>())},
      {4, rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(kPieces)),
                       [](const std::vector<std::string>& parts) { return join(parts, ""); })},
      {1, rc::gen::exec([] {
         const size_t n = *rc::gen::inRange<size_t>(1000, 4097);
         return *rc::gen::container<std::string>(n, rc::gen::arbitrary<char>());
       })},
  });
}

rc::Gen<std::string> tooLongState() {
  return rc::gen::exec([] {
    const size_t n = *rc::gen::inRange<size_t>(4097, 6000);
    const char c = *rc::gen::elementOf(std::vector<char>{'a', '+', '%', '\xff', ' '});
    return std::string(n, c);
  });
}

rc::Gen<std::string> providerError() {
  return rc::gen::weightedOneOf<std::string>({
      {3, rc::gen::elementOf(std::vector<std::string>{
              "invalid_request", "unauthorized_client", "access_denied",
              "unsupported_response_type", "invalid_scope", "server_error",
              "temporarily_unavailable"})},
      {2, rc::gen::elementOf(std::vector<std::string>{
              "user_cancelled", "consent_required", "login_required", "invalid_grant",
              "Access_Denied", "access_denied ", "access-denied", "<b>x</b>", "a b",
              "\xC3\xA9"})},
      {1, rc::gen::nonEmpty(rc::gen::container<std::string>(
              rc::gen::elementOf(std::vector<char>{'a', 'b', 'x', '_', 'e'})))},
  });
}

rc::Gen<std::string> markupPayload() {
  return rc::gen::exec([] {
    const std::string marker =
        "lgx" + *rc::gen::container<std::string>(8, rc::gen::inRange('a', static_cast<char>('z' + 1)));
    const std::vector<std::string> templates = {
        "<script>alert('" + marker + "')</script>", "\"><img src=x onerror=" + marker + ">",
        "<svg onload=" + marker + ">", "'\"><b>" + marker + "</b>",
        "</title><h1>" + marker + "</h1>"};
    return *rc::gen::elementOf(templates);
  });
}

rc::Gen<std::string> headerSplitPayload() {
  return rc::gen::exec([] {
    const std::string marker =
        "lgh" + *rc::gen::container<std::string>(8, rc::gen::inRange('a', static_cast<char>('z' + 1)));
    const std::string prefix = *rc::gen::elementOf(std::vector<std::string>{"", "x", "a b", "%"});
    const std::string breaks = *rc::gen::elementOf(
        std::vector<std::string>{"\r\n", "\n", "\r", "\r\n\r\n", "%0d%0a", "%0D%0A", "%0a",
                                 "\xE5\x98\x8A\xE5\x98\x8D", "\r\n\t", "%E5%98%8A%E5%98%8D"});
    const std::vector<std::string> headers = {
        "X-Injected-" + marker + ": 1", "Set-Cookie: " + marker + "=1",
        "Location: https://evil.example/" + marker, "Content-Length: 0" + breaks + breaks +
        "<html>" + marker};
    return prefix + breaks + *rc::gen::elementOf(headers);
  });
}

}  // namespace linkgate::conformance::gen
