// The page frame: stylesheet inlined and allowed by exactly its hash, nothing else allowed.
#include "web/assets/page_style.h"

#include <gtest/gtest.h>

#include "core/base64.h"
#include "core/crypto.h"

namespace linkgate::web {
namespace {

TEST(PageStyle, StylesheetIsTheCssFile) {
  EXPECT_NE(pageStylesheet().find("header.bar"), std::string_view::npos);
  EXPECT_EQ(pageStylesheet().find("@import"), std::string_view::npos);
  EXPECT_EQ(pageStylesheet().find("url("), std::string_view::npos);  // nothing loaded
}

TEST(PageStyle, CspAllowsOnlyTheInlinedStylesheet) {
  const std::string csp = pageCsp();
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  const std::string hash = base64Encode(sha256(pageStylesheet()));
  EXPECT_NE(csp.find("style-src 'sha256-" + hash + "'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe"), std::string::npos);
}

TEST(PageStyle, PageInlinesTheExactStylesheetAndEscapesTheFrame) {
  PageFrame frame{"<b>t</b>", "gate\"way", "<p>body</p>"};
  const std::string html = renderPage(frame);
  EXPECT_NE(html.find("<style>" + std::string(pageStylesheet()) + "</style>"),
            std::string::npos);
  EXPECT_NE(html.find("<title>&lt;b&gt;t&lt;/b&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("gate&quot;way"), std::string::npos);
  EXPECT_NE(html.find("<main>\n<p>body</p>"), std::string::npos);
}

TEST(PageStyle, ResponseCarriesThePageHeaders) {
  Response r = pageResponse(400, PageFrame{"t", "", "x"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("Content-Security-Policy"), pageCsp());
  EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
}

}  // namespace
}  // namespace linkgate::web
