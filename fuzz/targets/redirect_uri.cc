// Redirect-URI registration and matching, with the conformance suite's model as the oracle:
// on every input the gateway and the model must agree (registration verdict, substitution,
// destination), and a destination is always the substituted requested URI.
// Input: slug \n requested \n registered... (one per line).
#include "common.h"
#include "conformance/model/redirect_model.h"
#include "gateway/redirect_uri.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkgate;
  auto f = fuzz::fields(data, size, 6);
  if (f.size() < 2) return 0;
  const std::string slug(f[0].substr(0, 40));
  const std::string requested(f[1]);
  std::vector<std::string> registered;
  for (size_t i = 2; i < f.size(); ++i) {
    const std::string r(f[i]);
    const bool gw_ok = gateway::validateRedirectUriRegistration(r).has_value();
    const bool model_ok = !conformance::model::registrationProblem(r).has_value();
    if (gw_ok != model_ok) {
      std::fprintf(stderr, "registration disagrees on [%s]: gateway %d model %d\n", r.c_str(),
                   gw_ok, model_ok);
      std::abort();
    }
    if (gw_ok) registered.push_back(r);
  }
  const std::string gw_subst = gateway::substituteProvider(requested, slug);
  FUZZ_CHECK(gw_subst == conformance::model::substituteProvider(requested, slug));
  const auto gw = gateway::matchRedirectUri(requested, slug, registered);
  const auto model = conformance::model::allowedDestination(registered, requested, slug);
  if (gw != model) {
    std::fprintf(stderr, "matching disagrees on [%s]: gateway %s model %s\n", requested.c_str(),
                 gw ? gw->c_str() : "-", model ? model->c_str() : "-");
    std::abort();
  }
  if (gw) FUZZ_CHECK(*gw == gw_subst);
  return 0;
}
