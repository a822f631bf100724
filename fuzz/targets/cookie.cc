// Cookie header parsing: never crashes; a found value is a substring of some Cookie header.
// Input: name \n header value \n header value...
#include "common.h"
#include "web/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate;
  auto f = fuzz::fields(data, size, 5);
  if (f.size() < 2) return 0;
  web::Request req;
  for (size_t i = 1; i < f.size(); ++i) req.headers.emplace_back("cookie", std::string(f[i]));
  if (auto v = req.cookie(f[0])) {
    bool inside = false;
    for (size_t i = 1; i < f.size(); ++i) inside = inside || f[i].find(*v) != std::string_view::npos;
    FUZZ_CHECK(inside);
  }
  (void)req.wantsJson();
  return 0;
}
