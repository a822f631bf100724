// The gateway's abuse-limit flags (issue #15), each also a LINKGATE_* variable; options.cc
// adds them to its table.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "gateway/abuse_config.h"

namespace linkgate::gateway {

struct FlagSetting {
  const char* flag;
  const char* env;
  std::function<Status(const std::string&)> apply;
};

// The flags that fill `config` (kept alive by the caller while the settings are used).
std::vector<FlagSetting> abuseFlags(AbuseConfig& config);

// Their lines of `gateway --help`.
std::string abuseUsage();

}  // namespace linkgate::gateway
