// Form bodies (application/x-www-form-urlencoded): parse, toForm, parse again = same items,
// duplicates and order kept.
#include "common.h"
#include "core/params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate;
  auto p = Params::parse(fuzz::asText(data, size));
  if (!p) return 0;
  auto again = Params::parse(p->toForm());
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->items() == p->items());
  if (auto dup = p->firstDuplicate()) FUZZ_CHECK(p->count(*dup) > 1);
  return 0;
}
