// Command-line flags of the simulator binary.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace linkgate::sim {

struct Options {
  std::string address = "127.0.0.1";
  uint16_t port = 9100;
  std::string profiles = "fixtures/providers";
  bool auto_approve = false;
  std::optional<std::string> dev_clients;  // gateway base URL
  int threads = 2;
  bool coverage = false;
  bool recipes = false;      // print every profile's client recipe as Markdown and exit
  bool strict_docs = false;  // accept only the documented form (no profile tolerances)
  bool help = false;
};

// Parses argv[1..]; "--flag value" and "--flag=value". Error id "bad_flag" with a one-line
// reason.
Result<Options> parseOptions(const std::vector<std::string>& args);
std::string usage();

}  // namespace linkgate::sim
