// Provider text sanitising (issue 15 item 4): output is printable ASCII, capped, and never
// contains a secret (alphanumeric secrets, text around them without alphanumerics is not
// needed: the check allows the marker itself to contain the secret).
// Input: secret \n text.
#include "common.h"
#include "gateway/provider_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate::gateway;
  auto f = linkgate::fuzz::fields(data, size, 2);
  if (f.size() < 2) return 0;
  FlowSecrets s;
  s.add(f[0]);
  const std::string out = sanitiseProviderText(f[1], s, 1 << 20);
  for (char c : out) FUZZ_CHECK(c >= 0x20 && c <= 0x7e);
  FUZZ_CHECK(sanitiseProviderText(f[1], s).size() <= kMaxProviderTextBytes + 3);
  // A secret in the input (as given) is never in the output, unless the output's own bytes
  // could form it: the redaction marker, or '?' standing for non-printable bytes.
  const std::string secret(f[0]);
  if (secret.size() >= 4 && secret.find_first_of("[]?") == std::string::npos &&
      std::string_view("redacted").find(secret) == std::string_view::npos) {
    bool printable = true;
    for (char c : secret) printable = printable && c >= 0x21 && c <= 0x7e;
    if (printable) FUZZ_CHECK(out.find(secret) == std::string::npos);
  }
  return 0;
}
