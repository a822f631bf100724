// Model-based check (rapidcheck/state.h): several flows in separate browsers, their steps
// interleaved at random — start, consent, callback, replayed or foreign callbacks, code
// redemptions — each step's answer predicted by a small model of SPEC §1.2, §1.3 and §3.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <memory>
#include <set>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/properties/generators.h"
#include "conformance/properties/support.h"

namespace linkgate::conformance {
namespace {

// What the model knows of one flow. kTainted: another browser presented its callback; the
// SPEC does not say whether the flow survives that, so the model issues nothing more for it.
enum class Phase { kStarted, kAtCallback, kCompleted, kDenied, kRedeemed, kTainted };

struct FlowModel {
  Phase phase = Phase::kStarted;
  bool approve = true;
};

struct Model {
  std::vector<FlowModel> flows;
};

// The system under test plus what each flow produced at run time (URLs, codes).
struct Sut {
  struct Run {
    std::unique_ptr<Flow> flow;
    std::optional<std::string> state;
    std::string callback_url;
    std::string code;
  };
  World& world;
  Trace& trace;
  App app;
  std::vector<Run> runs;
  std::set<std::string> codes;
};

using Cmd = rc::state::Command<Model, Sut>;

size_t pickFlow(const Model& m, std::initializer_list<Phase> phases) {
  std::vector<size_t> candidates;
  for (size_t i = 0; i < m.flows.size(); ++i) {
    for (Phase p : phases) {
      if (m.flows[i].phase == p) candidates.push_back(i);
    }
  }
  RC_PRE(!candidates.empty());
  return *rc::gen::elementOf(candidates);
}

// Shrinking drops commands, so each command re-checks that its flow is still in a phase it
// applies to (the constructor's pick is not enough).
void requirePhase(const Model& m, size_t i, std::initializer_list<Phase> phases) {
  RC_PRE(i < m.flows.size());
  bool ok = false;
  for (Phase p : phases) ok = ok || m.flows[i].phase == p;
  RC_PRE(ok);
}

void require(const std::string& problem) {
  if (!problem.empty()) RC_FAIL(problem);
}

struct StartFlow : Cmd {
  std::optional<std::string> state =
      *rc::gen::arbitrary<bool>() ? std::optional<std::string>(*gen::state()) : std::nullopt;
  void checkPreconditions(const Model& m) const override { RC_PRE(m.flows.size() < 4u); }
  void apply(Model& m) const override { m.flows.push_back({}); }
  void run(const Model&, Sut& sut) const override {
    Sut::Run r{std::make_unique<Flow>(sut.world, &sut.trace), state, "", ""};
    auto answer = r.flow->start({sut.app.provider, sut.app.id, sut.world.integratorUri(), state});
    RC_ASSERT(answer.has_value());
    require(redirectedToProvider(sut.world, sut.app.provider, *answer));
    sut.runs.push_back(std::move(r));
  }
  void show(std::ostream& os) const override {
    os << "StartFlow(state=" << (state ? "'" + printable(*state, 40) + "'" : "absent") << ")";
  }
};

struct Consent : Cmd {
  size_t i;
  bool approve = *rc::gen::arbitrary<bool>();
  explicit Consent(const Model& m) : i(pickFlow(m, {Phase::kStarted})) {}
  void checkPreconditions(const Model& m) const override {
    requirePhase(m, i, {Phase::kStarted});
  }
  void apply(Model& m) const override { m.flows[i] = {Phase::kAtCallback, approve}; }
  void run(const Model&, Sut& sut) const override {
    auto url = sut.runs[i].flow->consent(approve ? Decision::kApprove : Decision::kDeny);
    if (!url) RC_FAIL("consent of flow " + std::to_string(i) + ": " + url.error().message);
    sut.runs[i].callback_url = *url;
  }
  void show(std::ostream& os) const override {
    os << "Consent(flow " << i << (approve ? ", approve)" : ", deny)");
  }
};

struct Callback : Cmd {
  size_t i;
  explicit Callback(const Model& m) : i(pickFlow(m, {Phase::kAtCallback})) {}
  void checkPreconditions(const Model& m) const override {
    requirePhase(m, i, {Phase::kAtCallback});
  }
  void apply(Model& m) const override {
    m.flows[i].phase = m.flows[i].approve ? Phase::kCompleted : Phase::kDenied;
  }
  void run(const Model& m, Sut& sut) const override {
    Sut::Run& r = sut.runs[i];
    auto answer = r.flow->callback(r.callback_url);
    RC_ASSERT(answer.has_value());
    auto location = Flow::redirectTarget(*answer, "callback of flow " + std::to_string(i));
    if (!location) RC_FAIL(location.error().message);
    const std::optional<std::string> error =
        m.flows[i].approve ? std::nullopt : std::optional<std::string>("access_denied");
    auto params = r.flow->finalParams(*location, sut.world.integratorUri(),
                                      {error, r.state, sut.world.publicUrl()});
    if (!params) RC_FAIL("flow " + std::to_string(i) + ": " + params.error().message);
    if (m.flows[i].approve) {
      r.code = *params->get("code");
      if (!sut.codes.insert(r.code).second) RC_FAIL("two flows got the same code");
    }
  }
  void show(std::ostream& os) const override { os << "Callback(flow " << i << ")"; }
};

struct ReplayCallback : Cmd {
  size_t i;
  explicit ReplayCallback(const Model& m)
      : i(pickFlow(m, {Phase::kCompleted, Phase::kDenied, Phase::kRedeemed})) {}
  void checkPreconditions(const Model& m) const override {
    requirePhase(m, i, {Phase::kCompleted, Phase::kDenied, Phase::kRedeemed});
  }
  void run(const Model&, Sut& sut) const override {
    const int64_t mark = must(sut.world.sim().mark(), "journal");
    auto answer = sut.runs[i].flow->callback(sut.runs[i].callback_url);
    RC_ASSERT(answer.has_value());
    require(refusedWithoutRedirect(*answer));
    RC_ASSERT(must(countRequests(sut.world, sut.app.provider, "token", mark), "journal") == 0);
  }
  void show(std::ostream& os) const override { os << "ReplayCallback(flow " << i << ")"; }
};

struct ForeignCallback : Cmd {
  size_t i;
  size_t j;
  explicit ForeignCallback(const Model& m) : i(pickFlow(m, {Phase::kAtCallback})) {
    RC_PRE(m.flows.size() > 1u);
    j = *rc::gen::suchThat(rc::gen::inRange<size_t>(0, m.flows.size()),
                           [this](size_t k) { return k != i; });
  }
  void checkPreconditions(const Model& m) const override {
    requirePhase(m, i, {Phase::kAtCallback});
    RC_PRE(j < m.flows.size() && j != i);
  }
  void apply(Model& m) const override { m.flows[i].phase = Phase::kTainted; }
  void run(const Model&, Sut& sut) const override {
    const int64_t mark = must(sut.world.sim().mark(), "journal");
    auto answer = sut.runs[j].flow->callback(sut.runs[i].callback_url);
    RC_ASSERT(answer.has_value());
    require(refusedWithoutRedirect(*answer));
    RC_ASSERT(must(countRequests(sut.world, sut.app.provider, "token", mark), "journal") == 0);
  }
  void show(std::ostream& os) const override {
    os << "ForeignCallback(flow " << i << "'s callback in flow " << j << "'s browser)";
  }
};

struct Redeem : Cmd {
  size_t i;
  explicit Redeem(const Model& m) : i(pickFlow(m, {Phase::kCompleted})) {}
  void checkPreconditions(const Model& m) const override {
    requirePhase(m, i, {Phase::kCompleted});
  }
  void apply(Model& m) const override { m.flows[i].phase = Phase::kRedeemed; }
  void run(const Model&, Sut& sut) const override {
    auto cred = sut.runs[i].flow->exchange(sut.app, sut.runs[i].code);
    if (!cred) RC_FAIL("redeeming flow " + std::to_string(i) + ": " + cred.error().message);
    RC_ASSERT(cred->oauth_app_id == sut.app.id);
  }
  void show(std::ostream& os) const override { os << "Redeem(flow " << i << ")"; }
};

struct RedeemAgain : Cmd {
  size_t i;
  explicit RedeemAgain(const Model& m) : i(pickFlow(m, {Phase::kRedeemed})) {}
  void checkPreconditions(const Model& m) const override {
    requirePhase(m, i, {Phase::kRedeemed});
  }
  void run(const Model&, Sut& sut) const override {
    auto answer = sut.world.gateway().token({sut.runs[i].code, sut.app.id, sut.app.client_secret});
    RC_ASSERT(answer.has_value());
    sut.trace.add("POST /link/oauth2/token again (flow " + std::to_string(i) + ") -> " +
                  std::to_string(answer->status) + " " + printable(answer->body, 200));
    RC_ASSERT(answer->status == 400);
    RC_ASSERT(jsonError(*answer) == "invalid_grant");
  }
  void show(std::ostream& os) const override { os << "RedeemAgain(flow " << i << ")"; }
};

TEST(Flows, Interleaved) {
  runCheck({"flows.interleaved", "", "", 25},
           [](CheckContext& c) {
    const App app = must(c.world().app(c.provider()), "app set-up");
    c.property(
        "interleaved flows behave as the model says",
        [&] {
          Sut sut{c.world(), c.trace(), app, {}, {}};
          rc::state::check(Model{}, sut,
                           rc::state::gen::execOneOfWithArgs<StartFlow, Consent, Callback,
                                                             ReplayCallback, ForeignCallback,
                                                             Redeem, RedeemAgain>());
        },
        0, 20);  // ≤ ~20 steps, well inside the launched stack's 4 s code lifetime
  });
}

}  // namespace
}  // namespace linkgate::conformance
