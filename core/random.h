// RandomSource seam: the system CSPRNG in production, a seeded generator in tests.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

namespace linkgate {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills out[0..n) with random bytes. Thread-safe. Aborts if the CSPRNG fails (never silently
  // weak).
  virtual void fill(uint8_t* out, size_t n) = 0;
  std::string bytes(size_t n);
};

// OpenSSL RAND_bytes.
class SystemRandom final : public RandomSource {
 public:
  void fill(uint8_t* out, size_t n) override;
};

// Deterministic (splitmix64) for tests; NOT for secrets in production.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  void fill(uint8_t* out, size_t n) override;

 private:
  std::mutex mu_;
  uint64_t state_;
};

}  // namespace linkgate
