// Master key loading (env, file, or --dev creation).
#include "gateway/master_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/base64.h"
#include "core/crypto.h"

namespace linkgate::gateway {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

Result<std::string> decodeKey(const std::string& text, const std::string& where) {
  auto key = base64Decode(trim(text));
  if (!key || key->size() != 32) {
    return fail("bad_master_key", where + ": expected 32 bytes in standard base64");
  }
  return *key;
}

}  // namespace

Result<std::string> loadMasterKey(const MasterKeySource& source, RandomSource& random) {
  if (source.base64_key) return decodeKey(*source.base64_key, "LINKGATE_MASTER_KEY");
  std::string path = source.file.value_or(source.dev ? source.dev_default_file : "");
  if (path.empty()) {
    return fail("bad_master_key",
                "no master key: set LINKGATE_MASTER_KEY, --master-key-file PATH, or use --dev");
  }
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    return decodeKey(text.str(), path);
  }
  if (!source.dev) return fail("bad_master_key", path + ": cannot read the key file");
  // --dev: create it, readable by this user only.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return fail("bad_master_key", path + ": cannot create: " + std::strerror(errno));
  const std::string key = random.bytes(32);
  const std::string text = base64Encode(key) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return fail("bad_master_key", path + ": cannot write the new key");
  return key;
}

std::string masterKeyId(const std::string& key_bytes) {
  return "k" + sha256Hex(key_bytes).substr(0, 12);
}

}  // namespace linkgate::gateway
