// The master key that seals secrets at rest: LINKGATE_MASTER_KEY (32 bytes, standard base64),
// or a key file; --dev creates the file (mode 0600) when it is missing.
#pragma once
#include <optional>
#include <string>

#include "core/error.h"
#include "core/random.h"
#include "core/sealer.h"

namespace linkgate::gateway {

struct MasterKeySource {
  std::optional<std::string> base64_key;  // from the environment
  std::optional<std::string> file;
  bool dev = false;
  std::string dev_default_file;  // used with dev when no file is named
};

// The 32 key bytes. Fails "bad_master_key" saying what is wrong (never printing the key).
Result<std::string> loadMasterKey(const MasterKeySource& source, RandomSource& random);
// The key id stored in each sealed value: derived from the key, so rotation is visible.
std::string masterKeyId(const std::string& key_bytes);

}  // namespace linkgate::gateway
