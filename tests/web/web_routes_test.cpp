// The embedded web page: served at / and /assets/{file} with the right types and caching
// headers, and complete (every file the page or a module refers to is embedded).

#include "web/web_routes.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "web/web_assets.hpp"

namespace reflector::web {
namespace {

using http::Request;
using http::Response;

class NoBody : public http::BodyReader {
 public:
  Result<std::size_t> Read(char*, std::size_t) override { return std::size_t{0}; }
};

class WebRoutesTest : public ::testing::Test {
 protected:
  WebRoutesTest() { AddWebRoutes(router_); }

  Response Get(const std::string& path, const std::string& if_none_match = "",
               const std::string& method = "GET") {
    Request request;
    request.method = method;
    request.target = path;
    request.path = path;
    request.body = &body_;
    if (!if_none_match.empty()) request.headers.Add("If-None-Match", if_none_match);
    return router_.Dispatch(request);
  }

  http::Router router_;
  NoBody body_;
};

TEST_F(WebRoutesTest, RootServesThePageWithItsSecurityHeaders) {
  Response page = Get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers.Get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<main id=\"view\""), std::string::npos);
  const auto policy = page.headers.Get("Content-Security-Policy");
  ASSERT_TRUE(policy.has_value());
  EXPECT_NE(policy->find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(page.headers.Get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page.headers.Get("Cache-Control"), "no-cache");
}

TEST_F(WebRoutesTest, AssetsHaveTheirContentTypes) {
  EXPECT_EQ(Get("/assets/main.js").headers.Get("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/assets/app.css").headers.Get("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(Get("/assets/icon.svg").headers.Get("Content-Type"), "image/svg+xml");
  EXPECT_FALSE(Get("/assets/main.js").headers.Get("Content-Security-Policy").has_value());
}

TEST_F(WebRoutesTest, UnknownFilesAndOtherPathsAre404) {
  EXPECT_EQ(Get("/assets/nothing.js").status, 404);
  EXPECT_EQ(Get("/assets/index.html").status, 404);
  EXPECT_EQ(Get("/assets/..").status, 404);
  EXPECT_EQ(Get("/index.html").status, 404);
  EXPECT_EQ(Get("/assets/a/b.js").status, 404);
}

TEST_F(WebRoutesTest, MatchingEtagIs304WithoutBody) {
  Response first = Get("/assets/api.js");
  ASSERT_EQ(first.status, 200);
  const auto etag = first.headers.Get("ETag");
  ASSERT_TRUE(etag.has_value());
  EXPECT_EQ(etag->front(), '"');
  Response again = Get("/assets/api.js", std::string(*etag));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Get("/assets/api.js", "\"other\"").status, 200);
}

TEST_F(WebRoutesTest, HeadAnswersHeadersOnly) {
  Response head = Get("/", "", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.Get("Content-Type"), "text/html; charset=utf-8");
}

TEST(WebAssetsTest, EmbeddedFilesAreTheSourcesByteForByte) {
  const Asset* page = FindAsset("index.html");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->body.substr(0, 15), "<!doctype html>");
  EXPECT_EQ(page->body.back(), '\n');
  std::set<std::string_view> etags;
  for (const Asset& asset : Assets()) {
    EXPECT_FALSE(asset.body.empty()) << asset.name;
    EXPECT_TRUE(etags.insert(asset.etag).second) << "two files share the ETag of " << asset.name;
  }
}

// Every /assets/ reference of the page and every relative import of a module is embedded, so a
// file added to web/src but not to src/web/CMakeLists.txt fails here rather than in a browser.
TEST(WebAssetsTest, EveryReferencedFileIsEmbedded) {
  const std::regex page_reference(R"re((?:href|src)="/assets/([^"]+)")re");
  const std::regex module_import(R"(from\s+'\./([^']+)')");
  int references = 0;
  for (const Asset& asset : Assets()) {
    const std::string body(asset.body);
    const std::regex& pattern = asset.name == "index.html" ? page_reference : module_import;
    for (std::sregex_iterator it(body.begin(), body.end(), pattern), end; it != end; ++it) {
      ++references;
      EXPECT_NE(FindAsset((*it)[1].str()), nullptr) << asset.name << " refers to " << (*it)[1].str();
    }
  }
  EXPECT_GT(references, 10);
}

}  // namespace
}  // namespace reflector::web
