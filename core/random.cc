// RandomSource implementations: OpenSSL's CSPRNG for production, splitmix64 for tests.
#include "core/random.h"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>

namespace linkgate {

std::string RandomSource::bytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0) fill(reinterpret_cast<uint8_t*>(out.data()), n);
  return out;
}

void SystemRandom::fill(uint8_t* out, size_t n) {
  while (n > 0) {
    const size_t chunk = std::min<size_t>(n, INT_MAX);
    if (RAND_bytes(out, static_cast<int>(chunk)) != 1) {
      // Never continue with weak randomness: tokens and nonces depend on it.
      std::fputs("linkgate: RAND_bytes failed; aborting\n", stderr);
      std::abort();
    }
    out += chunk;
    n -= chunk;
  }
}

void SeededRandom::fill(uint8_t* out, size_t n) {
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < n; i += 8) {
    // splitmix64 (Steele, Lea, Flood 2014).
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<uint8_t>(z >> (8 * j));
  }
}

}  // namespace linkgate
