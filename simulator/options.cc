// Flag parsing.
#include "simulator/options.h"

#include <charconv>

#include "core/url.h"

namespace linkgate::sim {
namespace {

std::optional<int64_t> toInt(const std::string& s) {
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return n;
}

}  // namespace

std::string usage() {
  return "usage: simulator [--port N] [--address ADDR] [--profiles DIR] [--auto-approve]\n"
         "                 [--dev-clients URL] [--threads N] [--strict-docs] [--coverage]\n"
         "                 [--recipes] [--help]\n"
         "\n"
         "Emulates the OAuth2 providers of the profiles in DIR (default fixtures/providers)\n"
         "under http://ADDR:PORT/{slug}/HOST/PATH; control API under /_sim/ (simulator/README.md).\n"
         "  --port N           port to listen on, 0 = any free port (default 9100); the first\n"
         "                     stdout line is `listening on http://ADDR:PORT`\n"
         "  --address ADDR     address to bind (default 127.0.0.1)\n"
         "  --profiles DIR     directory of *.json provider profiles\n"
         "  --auto-approve     the authorization endpoint redirects at once as the first user\n"
         "  --dev-clients URL  register dev-{slug}/dev-{slug}-secret with redirect URI\n"
         "                     URL/link/oauth2/callback/{slug} for every profile\n"
         "  --threads N        reactor threads (default 2)\n"
         "  --strict-docs      accept only each provider's documented request form: the\n"
         "                     profiles' tolerances (what real clients send and the real\n"
         "                     provider accepts) are off; per provider: behaviour strict_docs\n"
         "  --coverage         print the dialect dimension x profile table and exit (non-zero\n"
         "                     when a required dimension value has no profile)\n"
         "  --recipes          print how to configure a client for each profile (Markdown), exit\n"
         "  --help             this text\n";
}

Result<Options> parseOptions(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg.resize(eq);
    }
    auto value = [&]() -> Result<std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return fail("bad_flag", arg + " needs a value");
      return args[++i];
    };
    auto noValue = [&]() -> Status {
      if (inline_value) return fail("bad_flag", arg + " takes no value");
      return {};
    };
    if (arg == "--help" || arg == "-h") {
      if (auto st = noValue(); !st) return std::unexpected(st.error());
      o.help = true;
    } else if (arg == "--auto-approve") {
      if (auto st = noValue(); !st) return std::unexpected(st.error());
      o.auto_approve = true;
    } else if (arg == "--coverage") {
      if (auto st = noValue(); !st) return std::unexpected(st.error());
      o.coverage = true;
    } else if (arg == "--recipes") {
      if (auto st = noValue(); !st) return std::unexpected(st.error());
      o.recipes = true;
    } else if (arg == "--strict-docs") {
      if (auto st = noValue(); !st) return std::unexpected(st.error());
      o.strict_docs = true;
    } else if (arg == "--port") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      auto n = toInt(*v);
      if (!n || *n < 0 || *n > 65535) return fail("bad_flag", "--port must be 0..65535, not " + *v);
      o.port = static_cast<uint16_t>(*n);
    } else if (arg == "--threads") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      auto n = toInt(*v);
      if (!n || *n < 1 || *n > 64) return fail("bad_flag", "--threads must be 1..64, not " + *v);
      o.threads = static_cast<int>(*n);
    } else if (arg == "--address") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      if (v->empty()) return fail("bad_flag", "--address must not be empty");
      o.address = *v;
    } else if (arg == "--profiles") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      if (v->empty()) return fail("bad_flag", "--profiles must not be empty");
      o.profiles = *v;
    } else if (arg == "--dev-clients") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      auto url = Url::parseAbsolute(*v);
      if (!url || (url->scheme != "http" && url->scheme != "https") || url->query ||
          url->fragment) {
        return fail("bad_flag", "--dev-clients must be an http(s) URL without query, not " + *v);
      }
      o.dev_clients = *v;
    } else {
      return fail("bad_flag", "unknown flag " + arg);
    }
  }
  return o;
}

}  // namespace linkgate::sim
