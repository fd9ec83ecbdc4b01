#include "net/url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace reflector::net {
namespace {

TEST(UriEncodeTest, KeepsUnreservedCharacters) {
  EXPECT_EQ(UriEncode("", false), "");
  EXPECT_EQ(UriEncode("ABCXYZabcxyz0189-_.~", false), "ABCXYZabcxyz0189-_.~");
}

TEST(UriEncodeTest, EncodesEverythingElseWithUpperCaseHex) {
  EXPECT_EQ(UriEncode("a b", false), "a%20b");
  EXPECT_EQ(UriEncode("+*=&?%#:@!$'()", false), "%2B%2A%3D%26%3F%25%23%3A%40%21%24%27%28%29");
  EXPECT_EQ(UriEncode("\xC3\xA9", false), "%C3%A9");  // "é" in UTF-8
  EXPECT_EQ(UriEncode(std::string("\0\xFF", 2), false), "%00%FF");
}

TEST(UriEncodeTest, SlashIsKeptOnlyWhenAsked) {
  EXPECT_EQ(UriEncode("a/b", true), "a/b");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriEncode("a b/\xC3\xA9+.txt", true), "a%20b/%C3%A9%2B.txt");
  // The credential parameter of the AWS query-string signing example.
  EXPECT_EQ(UriEncode("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request", false),
            "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request");
}

TEST(UriDecodeTest, ReversesUriEncode) {
  std::string text = "a b/\xC3\xA9+.txt?=&";
  EXPECT_EQ(UriDecode(UriEncode(text, false)).value_or("<error>"), text);
  EXPECT_EQ(UriDecode("p%40ss%27w%5cd").value_or("<error>"), "p@ss'w\\d");  // either hex case
  EXPECT_EQ(UriDecode("a+b").value_or("<error>"), "a+b");
  EXPECT_EQ(UriDecode("").value_or("<error>"), "");
}

TEST(UriDecodeTest, MalformedEscapesAreErrorsThatDoNotQuoteTheText) {
  for (const char* bad : {"100%", "hunter2%zz", "hunter2%4", "%"}) {
    auto decoded = UriDecode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.error().kind, ErrorKind::kInvalidInput) << bad;
    EXPECT_EQ(decoded.error().message.find("hunter2"), std::string::npos) << decoded.error().message;
  }
}

TEST(FormUrlEncodeTest, EncodesPairsInOrder) {
  EXPECT_EQ(FormUrlEncode({{"a b", "c&d"}, {"e", "\xC3\xA9~*"}, {"empty", ""}}),
            "a+b=c%26d&e=%C3%A9~%2A&empty=");
  EXPECT_EQ(FormUrlEncode({}), "");
}

TEST(SplitUrlTest, GivesEveryPartAsWritten) {
  auto parts = SplitUrl("PostgreSQL://us%40r:p%3Ass@db.example:5433/refl%20db?sslmode=require#frag");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  EXPECT_EQ(parts->scheme, "postgresql");
  EXPECT_EQ(parts->user, "us%40r");
  EXPECT_EQ(parts->password, "p%3Ass");
  EXPECT_EQ(parts->host, "db.example");
  EXPECT_EQ(parts->port, "5433");
  EXPECT_EQ(parts->path, "/refl%20db");
  EXPECT_EQ(parts->query, "sslmode=require");
  EXPECT_EQ(parts->fragment, "frag");
}

TEST(SplitUrlTest, AbsentPartsStayEmpty) {
  auto socket = SplitUrl("postgresql:///reflector");
  ASSERT_TRUE(socket.ok()) << socket.error().message;
  EXPECT_EQ(socket->host, "");
  EXPECT_EQ(socket->port, "");
  EXPECT_EQ(socket->path, "/reflector");
  EXPECT_FALSE(socket->user.has_value());
  EXPECT_FALSE(socket->query.has_value());
  EXPECT_FALSE(socket->fragment.has_value());

  auto user_only = SplitUrl("postgresql://u@[::1]:6000");
  ASSERT_TRUE(user_only.ok()) << user_only.error().message;
  EXPECT_EQ(user_only->user, "u");
  EXPECT_FALSE(user_only->password.has_value());
  EXPECT_EQ(user_only->host, "::1");
  EXPECT_EQ(user_only->port, "6000");
  EXPECT_EQ(user_only->path, "");

  auto last_at = SplitUrl("http://a@b@host:/x?");  // the last '@' ends the user information
  ASSERT_TRUE(last_at.ok()) << last_at.error().message;
  EXPECT_EQ(last_at->user, "a@b");
  EXPECT_EQ(last_at->host, "host");
  EXPECT_EQ(last_at->port, "");
  EXPECT_EQ(last_at->query, "");
}

TEST(SplitUrlTest, ErrorsGiveTheReasonWithoutTheUrl) {
  for (const char* bad : {"hunter2", "://hunter2", "pg://u:hunter2@host:port/db", "pg://u:hunter2@[::1/db",
                          "pg://u:hunter2@[::1]x/db"}) {
    auto parts = SplitUrl(bad);
    ASSERT_FALSE(parts.ok()) << bad;
    EXPECT_EQ(parts.error().kind, ErrorKind::kInvalidInput) << bad;
    EXPECT_EQ(parts.error().message.find("hunter2"), std::string::npos) << parts.error().message;
  }
}

TEST(RedactedUrlTest, HidesOnlyThePasswordAndDropsTheFragment) {
  auto parts = SplitUrl("postgresql://us%40r:p%3Ass@db.example:5433/refl%20db?sslmode=require#frag");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  EXPECT_EQ(RedactedUrl(*parts), "postgresql://us%40r:***@db.example:5433/refl%20db?sslmode=require");
  auto no_password = SplitUrl("postgres://u@[::1]:6000");
  ASSERT_TRUE(no_password.ok());
  EXPECT_EQ(RedactedUrl(*no_password), "postgres://u@[::1]:6000");
  auto bare = SplitUrl("postgresql:///reflector");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(RedactedUrl(*bare), "postgresql:///reflector");
}

TEST(ParseUrlTest, SplitsAllParts) {
  auto url = ParseUrl("HTTP://127.0.0.1:9000/bucket/a%20b?x=1&y=2#fragment");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 9000);
  EXPECT_EQ(url->path, "/bucket/a%20b");
  EXPECT_EQ(url->query, "x=1&y=2");
  EXPECT_EQ(url->HostHeader(), "127.0.0.1:9000");
  EXPECT_EQ(url->HostPort(), "127.0.0.1:9000");
}

TEST(ParseUrlTest, DefaultsPortAndPath) {
  auto url = ParseUrl("https://s3.us-east-1.amazonaws.com");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->path, "/");
  EXPECT_EQ(url->query, "");
  EXPECT_EQ(url->HostHeader(), "s3.us-east-1.amazonaws.com");
  EXPECT_EQ(url->HostPort(), "s3.us-east-1.amazonaws.com:443");

  auto query_only = ParseUrl("http://example.com?a=b");
  ASSERT_TRUE(query_only.ok());
  EXPECT_EQ(query_only->port, 80);
  EXPECT_EQ(query_only->path, "/");
  EXPECT_EQ(query_only->query, "a=b");
}

TEST(ParseUrlTest, HandlesIpv6Literals) {
  auto url = ParseUrl("http://[::1]:8080/x");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->HostHeader(), "[::1]:8080");
}

TEST(ParseUrlTest, RefusesMalformedUrls) {
  for (const char* bad : {"no-scheme", "://host", "http://", "http://host:99999/", "http://host:x/",
                          "http://user@host/", "http://[::1/", "ftp://host/"}) {
    auto url = ParseUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().kind, ErrorKind::kInvalidInput) << bad;
    EXPECT_NE(url.error().message.find(bad), std::string::npos) << url.error().message;
  }
}

}  // namespace
}  // namespace reflector::net
