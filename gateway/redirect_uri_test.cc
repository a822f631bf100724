// SPEC §2: verdict-named cases (fixtures/cases/redirect_uri/{y,n}_*.json) and properties.
#include "gateway/redirect_uri.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

TEST(RedirectUriCases, EveryVerdictNamedCaseHolds) {
  const auto dir = std::filesystem::path(testing::sourceDir()) / "fixtures/cases/redirect_uri";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().stem().string();
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto c = parseJsonObject(text.str());
    ASSERT_TRUE(c) << name;
    const bool accept = name.starts_with("y_");
    ASSERT_TRUE(accept || name.starts_with("n_")) << name;
    ++count;
    if (c->contains("register")) {
      auto verdict = validateRedirectUriRegistration((*c)["register"].get<std::string>());
      EXPECT_EQ(verdict.has_value(), accept)
          << name << (verdict ? "" : ": " + verdict.error().message);
      continue;
    }
    std::vector<std::string> registered = (*c)["registered"];
    auto sent_to = matchRedirectUri((*c)["requested"].get<std::string>(),
                                    (*c)["provider"].get<std::string>(), registered);
    EXPECT_EQ(sent_to.has_value(), accept) << name;
    if (accept && sent_to) {
      EXPECT_EQ(*sent_to, (*c)["sent_to"].get<std::string>()) << name;
    }
  }
  EXPECT_GE(count, 40);
}

TEST(SubstituteProvider, OnlyPathAndQueryAndOnlyWholeTokens) {
  EXPECT_EQ(substituteProvider("https://h/:provider?x=:provider#:provider", "gh"),
            "https://h/gh?x=gh#:provider");
  EXPECT_EQ(substituteProvider("https://h/:providerX/:provider-/:provider.", "gh"),
            "https://h/:providerX/:provider-/gh.");
  EXPECT_EQ(substituteProvider("https://h/::provider", "gh"), "https://h/:gh");
  EXPECT_EQ(substituteProvider("no-scheme/:provider", "gh"), "no-scheme/:provider");
}

// Generators over a small alphabet rich in the characters that matter.
rc::Gen<std::string> uriText() {
  return rc::gen::container<std::string>(
      rc::gen::element('a', 'b', '/', '?', '=', '&', ':', '.', '-', '_', '%', '1', 'P'));
}

RC_GTEST_PROP(RedirectUriMatch, RegisteredUriAlwaysMatchesItself, ()) {
  const std::string r = "https://app.example/" + *uriText() + *rc::gen::element(
      std::string(), std::string(":provider"), std::string("x/:provider/y"));
  const std::string slug = *rc::gen::element(std::string("github"), std::string("a-b"));
  auto d = matchRedirectUri(r, slug, {r});
  RC_ASSERT(d.has_value());
  RC_ASSERT(*d == substituteProvider(r, slug));
}

RC_GTEST_PROP(RedirectUriMatch, AnyChangeOfANonLoopbackUriIsRejected, ()) {
  const std::string r = "https://app.example/" + *uriText();
  const std::string suffix = *rc::gen::nonEmpty(uriText());
  RC_PRE(r.find(":provider") == std::string::npos);
  RC_ASSERT(!matchRedirectUri(r + suffix, "github", {r}));
  RC_ASSERT(!matchRedirectUri(r, "github", {r + suffix}));
  // Changing one byte anywhere is a mismatch too.
  const size_t at = *rc::gen::inRange<size_t>(0, r.size());
  std::string changed = r;
  changed[at] = changed[at] == 'z' ? 'y' : 'z';
  RC_ASSERT(!matchRedirectUri(changed, "github", {r}));
}

RC_GTEST_PROP(RedirectUriMatch, LoopbackMatchesAnyPortButNothingElse, ()) {
  const std::string host = *rc::gen::element(std::string("127.0.0.1"), std::string("[::1]"));
  const std::string path = "/" + *uriText();
  RC_PRE(path.find(":provider") == std::string::npos);
  const int port = *rc::gen::inRange(1, 65536);
  const std::string registered = "http://" + host + path;
  const std::string requested = "http://" + host + ":" + std::to_string(port) + path;
  RC_ASSERT(matchRedirectUri(requested, "github", {registered}) ==
            std::optional<std::string>(requested));
  RC_ASSERT(!matchRedirectUri("https://" + host + ":" + std::to_string(port) + path, "github",
                              {registered}));
  RC_ASSERT(!matchRedirectUri(requested + "x", "github", {registered}));
}

RC_GTEST_PROP(RedirectUriMatch, TokenFollowedByNameCharacterIsLiteral, ()) {
  const char next = *rc::gen::element('a', 'Z', '7', '_', '-');
  const std::string r = std::string("https://app.example/:provider") + next;
  RC_ASSERT(!matchRedirectUri(std::string("https://app.example/github") + next, "github", {r}));
  RC_ASSERT(matchRedirectUri(r, "github", {r}) == std::optional<std::string>(r));
}

}  // namespace
}  // namespace linkgate::gateway
