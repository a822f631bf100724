// Sealed-value opening: a tampered sealed text never opens (fail closed), an arbitrary text
// never opens, and the untouched one opens to its plaintext.
// Input: plaintext \n mutation bytes (each pair: position, xor) \n arbitrary sealed text.
#include "common.h"
#include "core/random.h"
#include "core/sealer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate;
  static SeededRandom random(7);
  static KeyRing ring = [] {
    KeyRing r(random);
    if (!r.addKey("k1", std::string(32, '\x11'))) fuzz::broken("addKey k1");
    if (!r.addKey("k2", std::string(32, '\x22'))) fuzz::broken("addKey k2");
    return r;
  }();
  auto f = fuzz::fields(data, size, 3);
  const std::string plain(f[0]);
  auto sealed = ring.seal(plain, "row-1");
  FUZZ_CHECK(sealed.has_value());
  auto opened = ring.open(*sealed, "row-1");
  FUZZ_CHECK(opened.has_value() && *opened == plain);
  FUZZ_CHECK(!ring.open(*sealed, "row-2").has_value());
  if (f.size() > 1) {
    std::string tampered = *sealed;
    const std::string_view m = f[1];
    for (size_t i = 0; i + 1 < m.size(); i += 2) {
      tampered[static_cast<unsigned char>(m[i]) % tampered.size()] ^= m[i + 1];
    }
    if (tampered != *sealed) {
      auto t = ring.open(tampered, "row-1");
      // Base64url has no second spelling of a value except padding-free tails; anything that
      // opens must be the same plaintext (a re-spelling), never another one.
      FUZZ_CHECK(!t.has_value() || *t == plain);
    }
  }
  if (f.size() > 2) {
    auto any = ring.open(f[2], "row-1");
    (void)any;
  }
  return 0;
}
