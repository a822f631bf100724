// Simulator profile loading from a JSON text: never crashes, errors are values.
#include "common.h"
#include "core/json.h"
#include "simulator/profile_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate;
  auto doc = parseJson(fuzz::asText(data, size));
  if (!doc) return 0;
  auto p = sim::parseProfile(*doc, "fuzz.json");
  if (p) FUZZ_CHECK(!p->slug.empty());
  return 0;
}
