// Command-line parsing for linkgatectl.
#include "tools/linkgatectl/args.h"

#include <cstdlib>

namespace linkgatectl {

std::optional<std::string> Args::opt(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

ParseResult parseArgs(int argc, char** argv, const std::set<std::string>& flags) {
  ParseResult r;
  if (const char* u = std::getenv("LINKGATE_URL")) r.args.url = u;
  if (const char* k = std::getenv("LINKGATE_API_KEY")) r.args.api_key = k;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") {
      r.args.json = true;
    } else if (a == "--help" || a == "-h") {
      r.args.help = true;
    } else if (a.starts_with("--")) {
      std::string name = a.substr(2), value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (!flags.contains(name)) {
        if (i + 1 >= argc) {
          r.error = "option --" + name + " needs a value";
          return r;
        }
        value = argv[++i];
      }
      if (name == "url") {
        r.args.url = value;
      } else if (name == "api-key") {
        r.args.api_key = value;
      } else {
        r.args.options[name] = value;
      }
    } else {
      r.args.words.push_back(a);
    }
  }
  while (!r.args.url.empty() && r.args.url.back() == '/') r.args.url.pop_back();
  return r;
}

}  // namespace linkgatectl
