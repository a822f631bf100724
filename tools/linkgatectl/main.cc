// linkgatectl: the gateway's management API from the terminal. See --help.
#include <iostream>

#include "tools/linkgatectl/commands.h"

namespace linkgatectl {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = [] {
    auto v = appCommands();
    for (auto& c : credentialCommands()) v.push_back(std::move(c));
    return v;
  }();
  return all;
}

int show(Ctx& ctx, const Answer& a, const std::function<std::string(const Json&)>& render) {
  if (!a.ok()) return failed(ctx, a);
  if (ctx.args.json) {
    ctx.out << (a.body.empty() ? std::string("{}") : a.body);
    if (a.body.empty() || a.body.back() != '\n') ctx.out << "\n";
  } else {
    ctx.out << render(a.json());
  }
  return kOk;
}

int failed(Ctx& ctx, const Answer& a) {
  ctx.err << "linkgatectl: " << a.errorLine() << "\n";
  return a.transport_error.empty() ? kApiError : kUnreachable;
}

int usageError(Ctx& ctx, const std::string& message) {
  ctx.err << "linkgatectl: " << message << " (see --help)\n";
  return kUsage;
}

bool positional(Ctx& ctx, size_t n, const char* name, std::string& out, int& rc) {
  if (ctx.positional.size() <= n) {
    rc = usageError(ctx, std::string(name) + " is required");
    return false;
  }
  out = ctx.positional[n];
  return true;
}

namespace {

constexpr const char* kGlobalHelp =
    R"(usage: linkgatectl [--url URL] [--api-key KEY] [--json] COMMAND [ARGS]

The gateway's management API. URL and KEY come from --url/--api-key or LINKGATE_URL and
LINKGATE_API_KEY. --json prints the gateway's JSON (for scripts); otherwise a table.
COMMAND --help shows one command.

Exit codes: 0 ok; 1 the gateway answered an error (the line on stderr is
"linkgatectl: <status> <error>: <description>"); 2 bad command line; 3 the gateway could not
be reached; 4 import: some lines failed (the others were imported).

Commands:
)";

const std::set<std::string> kFlags = {"cascade", "reveal"};

void printHelp(std::ostream& out, const Command* only) {
  if (only != nullptr) {
    out << "usage: linkgatectl [--url URL] [--api-key KEY] [--json] " << only->name << " "
        << only->usage << "\n\n"
        << only->summary << "\n";
    return;
  }
  out << kGlobalHelp;
  for (const auto& c : commands())
    out << "  " << c.name << " " << c.usage << "\n      " << c.summary << "\n";
}

}  // namespace
}  // namespace linkgatectl

int main(int argc, char** argv) {
  using namespace linkgatectl;
  auto parsed = parseArgs(argc, argv, kFlags);
  if (!parsed.error.empty()) {
    std::cerr << "linkgatectl: " << parsed.error << " (see --help)\n";
    return kUsage;
  }
  const Args& args = parsed.args;
  const Command* command = nullptr;
  size_t used = 0;
  for (const auto& c : commands()) {
    const std::string two = args.words.size() >= 2 ? args.words[0] + " " + args.words[1] : "";
    if (c.name == two) {
      command = &c;
      used = 2;
    }
  }
  if (args.help || args.words.empty()) {
    printHelp(std::cout, command);
    return args.help ? kOk : kUsage;
  }
  if (command == nullptr) {
    std::string words;
    for (size_t i = 0; i < std::min<size_t>(2, args.words.size()); ++i)
      words += (i ? " " : "") + args.words[i];
    std::cerr << "linkgatectl: unknown command '" << words << "' (see --help)\n";
    return kUsage;
  }
  if (args.url.empty()) {
    std::cerr << "linkgatectl: no gateway URL: give --url or set LINKGATE_URL\n";
    return kUsage;
  }
  if (args.api_key.empty()) {
    std::cerr << "linkgatectl: no API key: give --api-key or set LINKGATE_API_KEY\n";
    return kUsage;
  }
  Client client(args.url, args.api_key);
  const std::vector<std::string> rest(args.words.begin() + static_cast<long>(used),
                                      args.words.end());
  Ctx ctx{args, client, std::cout, std::cerr, rest};
  return command->run(ctx);
}
