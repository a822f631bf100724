// Stacked redirect-URI attack operators (see attack_generators.h). Each operator takes a URI
// and a random source and returns a variant; most target one URI part the matching rule must
// compare exactly (host, port, path, query, the `:provider` token).
#include "conformance/properties/attack_generators.h"

#include <cctype>
#include <functional>
#include <random>
#include <unordered_set>

namespace linkgate::conformance::gen {
namespace {

using Rng = std::mt19937_64;

size_t below(Rng& rng, size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

template <class T>
const T& pick(Rng& rng, const std::vector<T>& v) {
  return v[below(rng, v.size())];
}

// Where the authority starts and ends ([begin, end)); npos when the URI has no "://".
std::pair<size_t, size_t> authorityOf(const std::string& uri) {
  const size_t sep = uri.find("://");
  if (sep == std::string::npos) return {std::string::npos, std::string::npos};
  const size_t begin = sep + 3;
  size_t end = uri.find_first_of("/?#\\", begin);
  return {begin, end == std::string::npos ? uri.size() : end};
}

// The host's range inside the authority (userinfo and port excluded).
std::pair<size_t, size_t> hostOf(const std::string& uri) {
  auto [begin, end] = authorityOf(uri);
  if (begin == std::string::npos) return {0, 0};
  if (size_t at = uri.rfind('@', end); at != std::string::npos && at >= begin) begin = at + 1;
  if (begin < uri.size() && uri[begin] == '[') {
    const size_t close = uri.find(']', begin);
    return {begin, close == std::string::npos || close > end ? end : close + 1};
  }
  const size_t colon = uri.find(':', begin);
  return {begin, colon == std::string::npos || colon > end ? end : colon};
}

// A random position at or after the authority (the scheme is left to its own operator).
size_t somewhereAfterScheme(Rng& rng, const std::string& uri) {
  const auto [begin, end] = authorityOf(uri);
  const size_t from = begin == std::string::npos ? 0 : begin;
  return from + below(rng, uri.size() - from + 1);
}

std::string homoglyph(const std::string& uri, Rng& rng) {
  static const std::vector<std::pair<char, std::string>> kLookAlikes = {
      {'a', "\xD0\xB0"}, {'e', "\xD0\xB5"}, {'o', "\xD0\xBE"}, {'p', "\xD1\x80"},
      {'c', "\xD1\x81"}, {'x', "\xD1\x85"}, {'i', "\xD1\x96"}, {'l', "\xD3\x8F"},
      {'.', "\xEF\xBC\x8E"}, {'.', "\xE3\x80\x82"}, {'/', "\xE2\x88\x95"}, {'1', "\xF0\x9D\x9F\xB7"}};
  const auto [begin, end] = hostOf(uri);
  std::vector<size_t> spots;
  for (size_t i = 0; i < uri.size(); ++i) {
    for (const auto& [ascii, glyph] : kLookAlikes) {
      if (uri[i] == ascii && (uri[i] != '/' || i >= end)) spots.push_back(i);
    }
  }
  if (spots.empty()) return uri;
  // Mostly in the host, sometimes in the path (a look-alike of a path segment or the token).
  std::vector<size_t> in_host;
  for (size_t s : spots) {
    if (s >= begin && s < end) in_host.push_back(s);
  }
  const size_t at = !in_host.empty() && below(rng, 4) != 0 ? pick(rng, in_host) : pick(rng, spots);
  for (const auto& [ascii, glyph] : kLookAlikes) {
    if (ascii == uri[at] && below(rng, 2) == 0) return uri.substr(0, at) + glyph + uri.substr(at + 1);
  }
  for (const auto& [ascii, glyph] : kLookAlikes) {
    if (ascii == uri[at]) return uri.substr(0, at) + glyph + uri.substr(at + 1);
  }
  return uri;
}

std::string punycodeHost(const std::string& uri, Rng& rng) {
  static const std::vector<std::string> kHosts = {"xn--pp-8cd.conf.example", "xn--80ak6aa92e.com",
                                                  "xn--app-9qa.conf.example", "xn--",
                                                  "xn--127-0-0-1", "xn--localhost-"};
  const auto [begin, end] = hostOf(uri);
  if (begin == end) return uri;
  std::string host = pick(rng, kHosts);
  if (below(rng, 3) == 0) host = "xn--" + uri.substr(begin, end - begin);
  return uri.substr(0, begin) + host + uri.substr(end);
}

std::string backslash(const std::string& uri, Rng& rng) {
  std::vector<size_t> slashes;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '/') slashes.push_back(i);
  }
  const auto [begin, end] = authorityOf(uri);
  switch (below(rng, 4)) {
    case 0:
      if (!slashes.empty()) {
        const size_t at = pick(rng, slashes);
        return uri.substr(0, at) + "\\" + uri.substr(at + 1);
      }
      break;
    case 1:
      if (!slashes.empty()) {
        const size_t at = pick(rng, slashes);
        return uri.substr(0, at) + (below(rng, 2) ? "%5C" : "%5c") + uri.substr(at + 1);
      }
      break;
    case 2:
      if (begin != std::string::npos) return uri.substr(0, end) + "\\@evil.example" + uri.substr(end);
      break;
    default:
      if (begin != std::string::npos) return uri.substr(0, end) + "\\.evil.example" + uri.substr(end);
  }
  return uri + "\\";
}

std::string percentOf(unsigned char c, bool lower) {
  static const char* kUpper = "0123456789ABCDEF";
  static const char* kLower = "0123456789abcdef";
  const char* hex = lower ? kLower : kUpper;
  return std::string("%") + hex[c >> 4] + hex[c & 15];
}

std::string encodedSeparator(const std::string& uri, Rng& rng) {
  const auto [begin, end] = authorityOf(uri);
  const size_t from = begin == std::string::npos ? 0 : begin;
  std::vector<size_t> spots;
  for (size_t i = from; i < uri.size(); ++i) {
    if (std::string_view("/?#.:@&=;").find(uri[i]) != std::string_view::npos) spots.push_back(i);
  }
  if (spots.empty()) return uri + "%2F";
  const size_t at = pick(rng, spots);
  return uri.substr(0, at) + percentOf(static_cast<unsigned char>(uri[at]), below(rng, 2)) +
         uri.substr(at + 1);
}

std::string doubleEncoded(const std::string& uri, Rng& rng) {
  if (const size_t pct = uri.find('%'); pct != std::string::npos && below(rng, 2) == 0) {
    return uri.substr(0, pct) + "%25" + uri.substr(pct + 1);
  }
  const std::string once = encodedSeparator(uri, rng);
  const size_t pct = once.find('%');
  return pct == std::string::npos ? once : once.substr(0, pct) + "%25" + once.substr(pct + 1);
}

std::string controlByte(const std::string& uri, Rng& rng) {
  static const std::vector<std::string> kBytes = {
      std::string(1, '\0'), "\r", "\n", "\t", "\r\n", "%00", "%0d%0a", "%0D%0A", "%09",
      " ", "%20", "\x7f", "\r\nLocation: https://evil.example/", "%0d%0aSet-Cookie:%20x=1"};
  const size_t at = somewhereAfterScheme(rng, uri);
  return uri.substr(0, at) + pick(rng, kBytes) + uri.substr(at);
}

std::string loopbackForm(const std::string& uri, Rng& rng) {
  static const std::vector<std::string> kForms = {
      "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::1%25lo]", "[0::1]",
      "[::1]",             "[::01]",             "[::]",            "127.1",      "127.0.1",
      "2130706433",        "0x7f000001",         "0177.0.0.1",      "127.000.000.001",
      "127.0.0.2",         "0.0.0.0",            "127.0.0.1",       "localhost",  "localhost.",
      "LOCALHOST",         "localhost.localdomain", "localhost.evil.example", "127.0.0.1.nip.io"};
  const auto [begin, end] = hostOf(uri);
  if (begin == end) return uri;
  return uri.substr(0, begin) + pick(rng, kForms) + uri.substr(end);
}

std::string portForm(const std::string& uri, Rng& rng) {
  static const std::vector<std::string> kPorts = {
      ":0",   ":65536", ":99999", ":080",  ":0443", ":+80",  ":",     ":-1",  ":8080",
      ":443", ":80",    ":1",     ":65535", ":8443", ":9000", ":0009000", ":1e3", ":80:80"};
  const auto [a_begin, a_end] = authorityOf(uri);
  const auto [h_begin, h_end] = hostOf(uri);
  if (a_begin == std::string::npos) return uri;
  return uri.substr(0, h_end) + pick(rng, kPorts) + uri.substr(a_end);
}

std::string providerLookAlike(const std::string& uri, Rng& rng, const std::string& slug,
                              const std::vector<std::string>& others) {
  std::vector<std::string> forms = {"%3Aprovider", "%3aprovider", ":provider%00", "::provider",
                                    ":PROVIDER",   ":provide",    ":providers",   ":prov%69der",
                                    ":provider/",  "%253Aprovider", ":provider.evil", ""};
  std::string upper = slug;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  forms.insert(forms.end(), {upper, slug + "x", slug + "%00", "x" + slug, slug + "/.."});
  if (!slug.empty()) forms.push_back(percentOf(static_cast<unsigned char>(slug[0]), false) +
                                     slug.substr(1));
  for (const auto& other : others) forms.push_back(other);
  size_t at = uri.find(":provider");
  size_t len = 9;
  if (at == std::string::npos && !slug.empty()) {
    const auto [begin, end] = authorityOf(uri);
    at = uri.find(slug, end == std::string::npos ? 0 : end);
    len = slug.size();
  }
  if (at == std::string::npos) return uri + "/" + pick(rng, forms);
  return uri.substr(0, at) + pick(rng, forms) + uri.substr(at + len);
}

std::string userinfo(const std::string& uri, Rng& rng) {
  const auto [begin, end] = authorityOf(uri);
  if (begin == std::string::npos) return uri;
  const std::string authority = uri.substr(begin, end - begin);
  static const std::vector<std::string> kBefore = {"evil.example@", "u:p@", "@", ":@", "%40@",
                                                   "user%40evil.example@"};
  switch (below(rng, 3)) {
    case 0: return uri.substr(0, begin) + pick(rng, kBefore) + uri.substr(begin);
    case 1: return uri.substr(0, begin) + authority + "@evil.example" + uri.substr(end);
    default: return uri.substr(0, begin) + authority + "%40evil.example" + uri.substr(end);
  }
}

std::string fragmentOrParam(const std::string& uri, Rng& rng) {
  static const std::vector<std::string> kTails = {
      "#@evil.example", "#", "#/evil", "%23frag", "?redirect_uri=https://evil.example", "&code=x",
      "&state=y", "?", "&", "&&", ";x=1", "/..;/", "?x=1#", "&x=1&x=2", "?@evil.example",
      "?#", "&iss=https://evil.example", "&error=access_denied"};
  const std::string tail = pick(rng, kTails);
  if (tail.starts_with("&") && uri.find('?') == std::string::npos && below(rng, 2) == 0) {
    return uri + "?" + tail.substr(1);
  }
  return uri + tail;
}

std::string dotSegment(const std::string& uri, Rng& rng) {
  static const std::vector<std::string> kSegments = {"/./", "/../", "/%2e/", "/%2E%2E/", "/.%2e/",
                                                     "/x/../", "/..%2f", "/.../", "//"};
  const auto [begin, end] = authorityOf(uri);
  std::vector<size_t> slashes;
  for (size_t i = end == std::string::npos ? 0 : end; i < uri.size(); ++i) {
    if (uri[i] == '/') slashes.push_back(i);
    if (uri[i] == '?' || uri[i] == '#') break;
  }
  if (slashes.empty()) return uri + (below(rng, 2) ? "/." : "/..");
  const size_t at = pick(rng, slashes);
  return uri.substr(0, at) + pick(rng, kSegments) + uri.substr(at + 1);
}

std::string caseFlip(const std::string& uri, Rng& rng) {
  std::vector<size_t> letters;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (std::isalpha(static_cast<unsigned char>(uri[i]))) letters.push_back(i);
  }
  if (letters.empty()) return uri;
  std::string out = uri;
  const size_t at = pick(rng, letters);
  const auto c = static_cast<unsigned char>(out[at]);
  out[at] = static_cast<char>(std::isupper(c) ? std::tolower(c) : std::toupper(c));
  return out;
}

std::string byteEdit(const std::string& uri, Rng& rng) {
  static const std::string kAlphabet = "/.:@%a0-_~?#&=\\\x7f\xff";
  const size_t at = somewhereAfterScheme(rng, uri);
  switch (below(rng, 3)) {
    case 0: return at < uri.size() ? uri.substr(0, at) + uri.substr(at + 1) : uri.substr(0, at);
    case 1: return at < uri.size() ? uri.substr(0, at + 1) + uri[at] + uri.substr(at + 1) : uri + "/";
    default: return uri.substr(0, at) + kAlphabet[below(rng, kAlphabet.size())] + uri.substr(at);
  }
}

std::string schemeForm(const std::string& uri, Rng& rng) {
  const size_t sep = uri.find("://");
  if (sep == std::string::npos) return uri;
  const std::string rest = uri.substr(sep + 3);
  const std::string scheme = uri.substr(0, sep);
  static const std::vector<std::string> kForms = {"HTTPS://", "https:/", "https:", "https:\\\\",
                                                  "//", "javascript://", " https://",
                                                  "https://https://", "http://", "https://",
                                                  "hxxps://", "https%3A//", "ws://"};
  if (below(rng, 4) == 0) return scheme + ":///" + rest;
  return pick(rng, kForms) + rest;
}

struct Operator {
  std::string name;
  std::function<std::string(const std::string&, Rng&)> apply;
};

std::vector<Operator> operators(const std::string& slug, const std::vector<std::string>& others) {
  return {{"homoglyph", homoglyph},
          {"punycode_host", punycodeHost},
          {"backslash", backslash},
          {"encoded_separator", encodedSeparator},
          {"double_encoded", doubleEncoded},
          {"control_byte", controlByte},
          {"loopback_form", loopbackForm},
          {"port_form", portForm},
          {"provider_look_alike",
           [slug, others](const std::string& u, Rng& r) { return providerLookAlike(u, r, slug, others); }},
          {"userinfo", userinfo},
          {"fragment_or_param", fragmentOrParam},
          {"dot_segment", dotSegment},
          {"case_flip", caseFlip},
          {"byte_edit", byteEdit},
          {"scheme_form", schemeForm}};
}

}  // namespace

std::vector<std::string> attackOperatorNames() {
  std::vector<std::string> out;
  for (const auto& op : operators("x", {})) out.push_back(op.name);
  return out;
}

std::vector<Mutation> redirectAttacks(const std::vector<std::string>& registered,
                                      const std::string& slug,
                                      const std::vector<std::string>& other_slugs, uint64_t seed,
                                      size_t count) {
  std::vector<Mutation> out;
  if (registered.empty()) return out;
  Rng rng(seed);
  const std::vector<Operator> ops = operators(slug, other_slugs);
  std::vector<Mutation> bases;
  for (const auto& uri : registered) {
    const int port = 1024 + static_cast<int>(below(rng, 64000));
    for (auto& m : mutationsOf(uri, slug, other_slugs, port)) bases.push_back(std::move(m));
  }
  std::unordered_set<std::string> seen;
  out.reserve(count);
  // Duplicates are skipped; the attempt bound only matters for a tiny registered set.
  for (size_t attempt = 0; out.size() < count && attempt < count * 8; ++attempt) {
    Mutation m = pick(rng, bases);
    const size_t depth = 1 + below(rng, 3);
    for (size_t i = 0; i < depth; ++i) {
      const Operator& op = pick(rng, ops);
      m.uri = op.apply(m.uri, rng);
      m.name += "+" + op.name;
    }
    if (m.uri.size() > 4096 || !seen.insert(m.uri).second) continue;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace linkgate::conformance::gen
