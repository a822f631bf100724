// URL and query parsing: never crashes; what parses re-serialises to something that parses
// to the same thing (Params), and a parsed URL's pieces are substrings of the input.
#include "common.h"
#include "core/params.h"
#include "core/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate;
  const std::string_view text = fuzz::asText(data, size);
  if (auto url = Url::parse(text)) {
    FUZZ_CHECK(text.find(url->host) != std::string_view::npos);
    if (url->query) {
      FUZZ_CHECK(text.find(*url->query) != std::string_view::npos);
      (void)Params::parse(*url->query);
    }
  }
  (void)Url::parseAbsolute(text);
  if (auto p = Params::parse(text)) {
    auto again = Params::parse(p->toQuery());
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(*again == *p);
  }
  return 0;
}
