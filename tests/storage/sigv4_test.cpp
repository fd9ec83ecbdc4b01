#include "storage/s3/sigv4.hpp"

#include <gtest/gtest.h>

namespace reflector::storage {
namespace {

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
