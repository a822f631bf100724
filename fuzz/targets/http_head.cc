// The adapter's request-head judge and raw head parser: never crash; a head the judge accepts
// is one the raw parser reads, and judging any prefix never rejects what the whole accepts.
#include "common.h"
#include "web/head_check.h"
#include "web/raw_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate::web;
  const std::string_view text = linkgate::fuzz::asText(data, size);
  const HeadVerdict whole = checkRequestHead(text, 65536);
  if (whole.kind == HeadVerdict::kComplete) {
    FUZZ_CHECK(whole.head_size <= text.size());
    FUZZ_CHECK(parseRequestHead(text.substr(0, whole.head_size)).has_value());
    const HeadVerdict part = checkRequestHead(text.substr(0, size / 2), 65536);
    FUZZ_CHECK(part.kind != HeadVerdict::kReject);
  }
  (void)parseRequestHead(text);
  return 0;
}
