// linkgatectl's command line: global options (--url, --api-key, --json, --help), then a
// command, a sub-command, positional arguments and --name value options. Values also come from
// the environment (LINKGATE_URL, LINKGATE_API_KEY).
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace linkgatectl {

// Exit codes a script can rely on (also in --help).
enum Exit : int {
  kOk = 0,
  kApiError = 1,     // the gateway answered an error (4xx/5xx)
  kUsage = 2,        // bad command line
  kUnreachable = 3,  // the gateway could not be reached
  kPartial = 4,      // import: some lines failed (the others were imported)
};

struct Args {
  std::vector<std::string> words;              // command, sub-command, positionals
  std::map<std::string, std::string> options;  // "--name value" (flags have value "")
  bool json = false, help = false;
  std::string url, api_key;

  std::optional<std::string> opt(const std::string& name) const;
  bool flag(const std::string& name) const { return options.contains(name); }
};

// Parses argv. Flags (no value): the names in `flags`. Fails with a one-line message.
struct ParseResult {
  Args args;
  std::string error;  // non-empty: usage error
};
ParseResult parseArgs(int argc, char** argv, const std::set<std::string>& flags);

}  // namespace linkgatectl
