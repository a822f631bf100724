// Catalogue (dialect) loading from a JSON text: never crashes; a dialect that loads has the
// slug it was loaded under and absolute-looking endpoint URLs.
#include "common.h"
#include "core/json.h"
#include "gateway/catalogue.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate;
  auto doc = parseJsonObject(fuzz::asText(data, size));
  if (!doc) return 0;
  const std::string slug = doc->contains("slug") && (*doc)["slug"].is_string()
                               ? (*doc)["slug"].get<std::string>()
                               : "x";
  if (auto d = gateway::parseDialect(*doc, slug)) {
    FUZZ_CHECK(d->slug == slug);
    FUZZ_CHECK(!d->token_url.empty());
  }
  return 0;
}
