// Command-line options of the conformance binary (SPEC §6), parsed after GoogleTest has taken
// its own --gtest_* flags.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace linkgate::conformance {

struct Options {
  // A running stack; all three or none (none: the suite launches build/bin binaries itself).
  std::optional<std::string> gateway_url;
  std::optional<std::string> simulator_url;
  std::optional<std::string> api_key;
  std::vector<std::string> providers;      // empty: every provider both sides know
  std::optional<int> code_ttl_seconds;     // the gateway's code lifetime, when known
  // Attached stacks: further instances of the gateway under test, each addressed directly,
  // sharing its database, master key and public URL (the C-11 checks use them).
  std::vector<std::string> instances;
  std::optional<std::string> report_path;  // JSON report
  uint64_t seed = 0;
  bool seed_was_random = false;
  int max_success = 0;  // RapidCheck successes per property; 0 = the suite's default per check
  size_t attacks = 20000;  // --attacks: generated redirect_uri attacks (redirect_uri.generated_attacks)
  std::string bin_dir;
  std::string profiles_dir;
  std::string expected_failures_path;
  // Launched stacks only: a command put in front of the gateway (a broken proxy, conformance/
  // broken/). It must print "listening on URL" and read the gateway URL from its stdin.
  std::optional<std::string> proxy_command;
  // Launched stacks only, not with proxy_command: the same kind of command put in front of the
  // second instance alone (a broken instance among correct ones, C-11); the suite reaches that
  // instance only through it.
  std::optional<std::string> second_instance_proxy_command;
  bool keep_files = false;
  // Attached stacks: leave what the suite created on the gateway (apps, redirect URIs,
  // credentials) instead of removing it at the end.
  bool keep = false;
  bool list = false;      // --list: the checks, their anchors; no stack
  bool coverage = false;  // --coverage: contract rules x checks; no stack
  std::optional<std::string> contract_path;  // --contract FILE instead of the built-in text
  // --adapter: "linkgate" (default) or "http-adapter:FILE" (a JSON route mapping, see
  // harness/gateway_api.h).
  std::string adapter = "linkgate";
  bool help = false;

  bool attached() const { return gateway_url.has_value(); }
};

// Parses our flags (argv[0] excluded). Defaults for the directories come from the environment
// (LINKGATE_BIN_DIR, LINKGATE_SOURCE_DIR) or the build's compile definitions. Fails "bad_flag"
// with a one-line reason.
Result<Options> parseOptions(const std::vector<std::string>& args);

std::string usage();

}  // namespace linkgate::conformance
