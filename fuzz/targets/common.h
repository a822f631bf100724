// Shared helpers of the fuzz targets: split the input into fields, crash loudly on a broken
// invariant (libFuzzer records the input as a crash).
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace linkgate::fuzz {

// Splits at '\n' (at most max_fields; the last field keeps the rest).
inline std::vector<std::string_view> fields(const uint8_t* data, size_t size, size_t max_fields) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> out;
  while (out.size() + 1 < max_fields) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) break;
    out.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  out.push_back(text);
  return out;
}

inline std::string_view asText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) ::linkgate::fuzz::broken(#cond); \
  } while (0)

}  // namespace linkgate::fuzz
