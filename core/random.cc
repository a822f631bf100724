// RandomSource implementations: OpenSSL's CSPRNG for production, splitmix64 for tests.
#include "core/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace linkgate {

std::string RandomSource::bytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0) fill(reinterpret_cast<uint8_t*>(out.data()), n);
  return out;
}

namespace {

void osslFill(uint8_t* out, size_t n) {
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

// Issue 10: a /start takes four small random values (flow id, state, PKCE verifier, the seal's
// nonce), and each RAND_bytes call costs far more than its bytes (the DRBG's lock and setup).
// So each thread draws 4 KiB at a time and hands them out once each; a byte handed out is
// wiped from the pool. A forked child refills before its first use: a fork handler moves the
// generation on (no getpid() system call per draw, 1.2 % of a /start's CPU).
struct Pool {
  uint8_t bytes[4096];
  size_t used = sizeof bytes;  // all used: refill first
  unsigned generation = 0;
};

std::atomic<unsigned> fork_generation{0};

unsigned currentGeneration() {
  // Registered before the first pool is filled, so no fork can come between a fill and it.
  static const bool registered = [] {
    ::pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); });
    return true;
  }();
  (void)registered;
  return fork_generation.load(std::memory_order_relaxed);
}

}  // namespace

void SystemRandom::fill(uint8_t* out, size_t n) {
  thread_local Pool pool;
  if (n > sizeof pool.bytes / 4) return osslFill(out, n);
  while (n > 0) {
    const unsigned generation = currentGeneration();
    if (pool.used == sizeof pool.bytes || pool.generation != generation) {
      osslFill(pool.bytes, sizeof pool.bytes);
      pool.used = 0;
      pool.generation = generation;
    }
    const size_t take = std::min(n, sizeof pool.bytes - pool.used);
    std::memcpy(out, pool.bytes + pool.used, take);
    OPENSSL_cleanse(pool.bytes + pool.used, take);
    pool.used += take;
    out += take;
    n -= take;
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
