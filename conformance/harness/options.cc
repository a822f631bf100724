// Flag parsing for the conformance binary; every problem is one line naming the flag.
#include "conformance/harness/options.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <random>

#ifndef LINKGATE_DEFAULT_BIN_DIR
#define LINKGATE_DEFAULT_BIN_DIR "build/bin"
#endif
#ifndef LINKGATE_DEFAULT_SOURCE_DIR
#define LINKGATE_DEFAULT_SOURCE_DIR "."
#endif

namespace linkgate::conformance {
namespace {

std::string envOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0' ? std::string(value) : fallback;
}

template <class Int>
std::optional<Int> parseInt(const std::string& text) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string> splitCommas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string trimSlash(std::string url) {
  while (url.ends_with("/")) url.pop_back();
  return url;
}

}  // namespace

std::string usage() {
  return "usage: conformance [--gateway URL --simulator URL --api-key KEY] [--providers a,b]\n"
         "                   [--code-ttl S] [--report FILE] [--seed N|random] [--max-success N]\n"
         "                   [--bin-dir DIR] [--profiles DIR] [--expected-failures FILE]\n"
         "                   [--proxy CMD | --proxy-second-instance CMD] [--keep-files]\n"
         "                   [--keep] [--adapter linkgate|http-adapter:FILE] [--contract FILE]\n"
         "                   [--instances URL,...]\n"
         "                   [--gtest_* flags]\n"
         "       conformance --list | --coverage\n"
         "Without --gateway/--simulator/--api-key it starts BIN_DIR/simulator and BIN_DIR/gateway\n"
         "on free loopback ports (code TTL 4 s), plus a second gateway instance on the same\n"
         "database (flow TTL 2 s; not with --proxy), and stops them at the end.\n"
         "--proxy-second-instance: CMD in front of that second instance only. --instances: the\n"
         "attached gateway's other instances, addressed directly (same database, master key and\n"
         "public URL), for the C-11 checks.\n"
         "--attacks: how many generated redirect_uri attacks redirect_uri.generated_attacks sends\n"
         "(default 20000; 0 reports it not_run).\n"
         "Exit codes: 0 every check passed or was not run, 1 a check failed, 2 bad invocation\n"
         "(flags, contract, catalogue), 3 set-up failed (stack unreachable, API key refused, no\n"
         "provider to test), 4 --coverage found a MUST rule no check enforces, 130 interrupted.\n";
}

Result<Options> parseOptions(const std::vector<std::string>& args) {
  Options o;
  const std::string source_dir = envOr("LINKGATE_SOURCE_DIR", LINKGATE_DEFAULT_SOURCE_DIR);
  o.bin_dir = envOr("LINKGATE_BIN_DIR", LINKGATE_DEFAULT_BIN_DIR);
  o.profiles_dir = source_dir + "/fixtures/providers";
  o.expected_failures_path = source_dir + "/conformance/expected_failures.json";
  o.seed = 20261128;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (const size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    if (flag == "--help" || flag == "-h") {
      o.help = true;
      continue;
    }
    if (flag == "--keep-files") {
      o.keep_files = true;
      continue;
    }
    if (flag == "--keep" || flag == "--list" || flag == "--coverage") {
      (flag == "--keep" ? o.keep : flag == "--list" ? o.list : o.coverage) = true;
      continue;
    }
    static const std::vector<std::string> kValued = {
        "--gateway", "--simulator", "--api-key", "--providers", "--code-ttl", "--report", "--seed",
        "--max-success", "--bin-dir", "--profiles", "--expected-failures", "--proxy",
        "--proxy-second-instance", "--contract", "--adapter", "--instances", "--attacks"};
    if (std::find(kValued.begin(), kValued.end(), flag) == kValued.end()) {
      return fail("bad_flag", "unknown flag " + flag + " (see --help)");
    }
    auto value = [&]() -> Result<std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return fail("bad_flag", flag + " needs a value");
      return args[++i];
    };
    auto v = value();
    if (!v) return std::unexpected(v.error());
    const std::string& text = *v;
    if (flag == "--gateway") {
      o.gateway_url = trimSlash(text);
    } else if (flag == "--simulator") {
      o.simulator_url = trimSlash(text);
    } else if (flag == "--api-key") {
      o.api_key = text;
    } else if (flag == "--providers") {
      o.providers = splitCommas(text);
    } else if (flag == "--instances") {
      for (const std::string& url : splitCommas(text)) {
        if (!url.starts_with("http://") && !url.starts_with("https://")) {
          return fail("bad_flag", "--instances: " + url + " is not an http(s) URL");
        }
        o.instances.push_back(trimSlash(url));
      }
    } else if (flag == "--code-ttl") {
      const auto n = parseInt<int>(text);
      if (!n || *n <= 0) return fail("bad_flag", "--code-ttl needs a positive number of seconds");
      o.code_ttl_seconds = *n;
    } else if (flag == "--report") {
      o.report_path = text;
    } else if (flag == "--seed") {
      if (text == "random") {
        std::random_device device;
        o.seed = (static_cast<uint64_t>(device()) << 32) ^ device() ^
                 static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
        o.seed_was_random = true;
      } else {
        const auto n = parseInt<uint64_t>(text);
        if (!n) return fail("bad_flag", "--seed needs a number or 'random'");
        o.seed = *n;
      }
    } else if (flag == "--max-success") {
      const auto n = parseInt<int>(text);
      if (!n || *n <= 0) return fail("bad_flag", "--max-success needs a positive number");
      o.max_success = *n;
    } else if (flag == "--attacks") {
      const auto n = parseInt<uint64_t>(text);
      if (!n || *n > 10'000'000) return fail("bad_flag", "--attacks needs a number up to 10000000");
      o.attacks = static_cast<size_t>(*n);
    } else if (flag == "--bin-dir") {
      o.bin_dir = text;
    } else if (flag == "--profiles") {
      o.profiles_dir = text;
    } else if (flag == "--expected-failures") {
      o.expected_failures_path = text;
    } else if (flag == "--proxy" || flag == "--proxy-second-instance") {
      if (text.find_first_not_of(" \t") == std::string::npos) {
        return fail("bad_flag", flag + " needs a command");
      }
      (flag == "--proxy" ? o.proxy_command : o.second_instance_proxy_command) = text;
    } else if (flag == "--contract") {
      o.contract_path = text;
    } else if (flag == "--adapter") {
      if (text != "linkgate" && !text.starts_with("http-adapter:")) {
        return fail("bad_flag", "--adapter is 'linkgate' or 'http-adapter:FILE'");
      }
      o.adapter = text;
    }
  }
  const int given = o.gateway_url.has_value() + o.simulator_url.has_value() + o.api_key.has_value();
  if (given != 0 && given != 3) {
    return fail("bad_flag", "--gateway, --simulator and --api-key go together");
  }
  if (o.attached() && o.proxy_command) {
    return fail("bad_flag", "--proxy only applies to a stack the suite starts itself");
  }
  if (o.attached() && o.second_instance_proxy_command) {
    return fail("bad_flag",
                "--proxy-second-instance only applies to a stack the suite starts itself");
  }
  // Behind --proxy the launched stack runs no second instance (the suite would bypass the proxy).
  if (o.proxy_command && o.second_instance_proxy_command) {
    return fail("bad_flag", "--proxy and --proxy-second-instance do not go together");
  }
  if (!o.attached() && !o.instances.empty()) {
    return fail("bad_flag", "--instances only applies to an attached stack (--gateway ...)");
  }
  return o;
}

}  // namespace linkgate::conformance
