// `:provider` substitution on its own: only path and query change (scheme and authority and
// fragment are kept byte for byte), and substituting into a token-free text is the identity.
#include "common.h"
#include "gateway/redirect_uri.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate;
  auto f = fuzz::fields(data, size, 2);
  const std::string slug = f.size() > 1 ? std::string(f[0].substr(0, 40)) : "box";
  const std::string_view uri = f.back();
  const std::string out = gateway::substituteProvider(uri, slug);
  if (uri.find(":provider") == std::string_view::npos) FUZZ_CHECK(out == uri);
  const size_t sep = uri.find("://");
  if (sep != std::string_view::npos) {
    const size_t end = uri.find_first_of("/?#", sep + 3);
    const std::string_view head = uri.substr(0, end == std::string_view::npos ? uri.size() : end);
    FUZZ_CHECK(std::string_view(out).substr(0, head.size()) == head);
  }
  if (const size_t hash = uri.find('#', sep == std::string_view::npos ? 0 : sep);
      hash != std::string_view::npos && sep != std::string_view::npos) {
    FUZZ_CHECK(std::string_view(out).ends_with(uri.substr(hash)));
  }
  return 0;
}
