// Percent-decoding: never throws; decode(encode(x)) == x in both styles.
#include "common.h"
#include "core/percent.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate;
  const std::string_view text = fuzz::asText(data, size);
  (void)percentDecode(text);
  (void)percentDecode(text, true);
  for (bool form : {false, true}) {
    const std::string encoded = percentEncode(text, form);
    auto decoded = percentDecode(encoded, form);
    FUZZ_CHECK(decoded.has_value());
    FUZZ_CHECK(*decoded == text);
  }
  return 0;
}
