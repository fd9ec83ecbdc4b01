#include "storage/s3/sigv4.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"
#include "support/test_files.hpp"

namespace reflector::storage {
namespace {

using reflector::testing::TempDir;

WallTime May24th2013() {
  return std::chrono::sys_days(std::chrono::year(2013) / 5 / 24);
}

// The example of AWS's S3 documentation, "Authenticating Requests: Using Query Parameters
// (AWS Signature Version 4)".
PresignRequest AwsDocumentationExample() {
  PresignRequest request;
  request.method = "GET";
  request.host = "examplebucket.s3.amazonaws.com";
  request.canonical_uri = "/test.txt";
  request.region = "us-east-1";
  request.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  request.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  request.time = May24th2013();
  request.expires = std::chrono::seconds(86400);
  return request;
}

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, FileHashEqualsMemoryHash) {
  TempDir dir;
  std::string content = testing::RandomBytes(2 * 1024 * 1024 + 3, 5);  // crosses the chunk size
  testing::WriteFile(dir / "f.bin", content);
  auto hash = Sha256HexOfFile(dir / "f.bin");
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_EQ(*hash, Sha256Hex(content));

  auto missing = Sha256HexOfFile(dir / "missing.bin");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(missing.error().message.find("missing.bin"), std::string::npos);
}

TEST(HmacSha256Test, Rfc4231TestCase2) {
  std::string mac = HmacSha256("Jefe", "what do ya want for nothing?");
  ASSERT_EQ(mac.size(), 32u);
  std::string hex;
  for (unsigned char c : mac) {
    constexpr char kHex[] = "0123456789abcdef";
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 0x0F]);
  }
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(AmzDateTest, FormatsUtcSeconds) {
  EXPECT_EQ(AmzDate(May24th2013()), "20130524T000000Z");
  EXPECT_EQ(AmzDate(May24th2013() + std::chrono::hours(13) + std::chrono::minutes(5) +
                    std::chrono::seconds(9) + std::chrono::milliseconds(999)),
            "20130524T130509Z");
}

TEST(PresignTest, CanonicalRequestMatchesAwsExample) {
  EXPECT_EQ(
      PresignCanonicalRequest(AwsDocumentationExample()),
      "GET\n"
      "/test.txt\n"
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
      "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "\n"
      "host\n"
      "UNSIGNED-PAYLOAD");
}

TEST(PresignTest, SignatureMatchesAwsExample) {
  EXPECT_EQ(PresignQuery(AwsDocumentationExample()),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(PresignTest, EveryInputChangesTheSignature) {
  auto signature_of = [](const PresignRequest& request) {
    std::string query = PresignQuery(request);
    return query.substr(query.rfind('=') + 1);
  };
  std::string base = signature_of(AwsDocumentationExample());
  std::vector<PresignRequest> variants(7, AwsDocumentationExample());
  variants[0].host = "examplebucket.s3.amazonaws.com:9000";
  variants[1].canonical_uri = "/test2.txt";
  variants[2].region = "us-west-2";
  variants[3].secret_access_key = "other";
  variants[4].time += std::chrono::seconds(1);
  variants[5].expires = std::chrono::seconds(86399);
  variants[6].method = "PUT";
  for (const auto& variant : variants)
    EXPECT_NE(signature_of(variant), base);
}

}  // namespace
}  // namespace reflector::storage
