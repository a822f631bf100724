// linkgatectl's commands: each a name ("credentials list"), a usage line, a summary and the
// function that runs it. Output goes to ctx.out; errors are one line on ctx.err
// ("linkgatectl: <status> <error>: <description>") and the exit code of args.h.
#pragma once
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "tools/linkgatectl/args.h"
#include "tools/linkgatectl/client.h"
#include "tools/linkgatectl/output.h"

namespace linkgatectl {

struct Ctx {
  const Args& args;
  Client& client;
  std::ostream& out;
  std::ostream& err;
  const std::vector<std::string>& positional;  // after the command's own words
};

struct Command {
  std::string name;   // "apps list"
  std::string usage;  // "[--provider P] [--app ID]"
  std::string summary;
  std::function<int(Ctx&)> run;
};

const std::vector<Command>& commands();
std::vector<Command> appCommands();         // apps, redirect-uris, providers, start-link, api-keys
std::vector<Command> credentialCommands();  // credentials *

// Prints the answer (--json: the body as it came; else render(json)) or its error line.
int show(Ctx& ctx, const Answer& a, const std::function<std::string(const Json&)>& render);
// The error line of a failed answer and its exit code.
int failed(Ctx& ctx, const Answer& a);
int usageError(Ctx& ctx, const std::string& message);
// The n-th positional argument, or a usage error (returns false).
bool positional(Ctx& ctx, size_t n, const char* name, std::string& out, int& rc);

}  // namespace linkgatectl
