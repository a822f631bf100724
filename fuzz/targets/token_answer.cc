// Every token-answer shape the dialect engine reads: the real catalogue's dialects on fuzzed
// bodies. Never crashes; an accepted answer respects the caps (issue 15 item 3); an error
// answer never returns a token.
// Input: byte 0 picks the dialect, byte 1 the Content-Type and status, the rest is the body.
#include "common.h"
#include "gateway/catalogue.h"
#include "gateway/dialect_engine.h"

namespace {
const linkgate::gateway::Catalogue& catalogue() {
  static const auto c = [] {
    const char* root = std::getenv("LINKGATE_SOURCE_DIR");
    auto loaded = linkgate::gateway::Catalogue::load(
        std::string(root ? root : LINKGATE_SOURCE_DIR_DEFAULT) + "/gateway/catalogue");
    if (!loaded) linkgate::fuzz::broken("the catalogue does not load");
    return *loaded;
  }();
  return c;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate;
  if (size < 2) return 0;
  const auto& all = catalogue().all();
  auto it = all.begin();
  std::advance(it, data[0] % all.size());
  const gateway::Dialect& d = it->second;
  HttpResponse r;
  const int statuses[] = {200, 201, 400, 401, 500};
  r.status = statuses[(data[1] >> 2) % 5];
  const char* types[] = {"application/json", "application/x-www-form-urlencoded", "text/plain",
                         ""};
  if (*types[data[1] & 3]) r.headers.emplace_back("Content-Type", types[data[1] & 3]);
  r.body.assign(reinterpret_cast<const char*>(data + 2), size - 2);
  const TimePoint now{std::chrono::seconds(1'700'000'000)};
  for (bool refresh : {false, true}) {
    auto t = refresh ? gateway::parseRefreshResponse(d, r, now, {"a", "b"})
                     : gateway::parseTokenResponse(d, r, now, {"a", "b"});
    if (t) {
      FUZZ_CHECK(!t->access_token.empty());
      FUZZ_CHECK(t->access_token.size() <= gateway::kMaxTokenBytes);
      FUZZ_CHECK(!t->refresh_token || t->refresh_token->size() <= gateway::kMaxTokenBytes);
      FUZZ_CHECK(t->token_type.size() <= gateway::kMaxTokenTypeBytes);
    } else {
      FUZZ_CHECK(t.error().id == "provider_error" || t.error().id == "bad_provider_response");
    }
  }
  (void)gateway::providerErrorCode(d.token_response, r);
  (void)gateway::providerErrorText(d.token_response, r);
  for (const auto& call : d.discovery) (void)gateway::discoveryFields(call, r);
  return 0;
}
