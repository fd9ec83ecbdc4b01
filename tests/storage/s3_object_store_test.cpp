// The S3 backend against a local test double that answers like S3 (no signature checks: the
// `s3`-labelled integration test covers those against a real S3-compatible server).

#include "storage/s3/s3_object_store.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "core/digest.hpp"
#include "storage/s3/sigv4.hpp"
#include "support/http_test_server.hpp"
#include "support/temp_dir.hpp"
#include "support/test_files.hpp"

namespace reflector::storage {
namespace {

using reflector::testing::HttpTestServer;
using reflector::testing::TempDir;
using reflector::testing::TestHttpRequest;
using reflector::testing::TestHttpResponse;

WallTime May24th2013() {
  return std::chrono::sys_days(std::chrono::year(2013) / 5 / 24);
}

S3Settings Settings(std::string endpoint, std::string bucket = "bucket") {
  S3Settings settings;
  settings.bucket = std::move(bucket);
  settings.region = "us-east-1";
  settings.access_key_id = "AKID";
  settings.secret_access_key = "SECRET";
  settings.endpoint_url = std::move(endpoint);
  return settings;
}

TEST(S3ObjectStoreUrlTest, PresignReproducesTheAwsDocumentationExample) {
  net::HttpClient http;
  ManualClock clock(May24th2013());
  S3Settings settings = Settings("https://s3.amazonaws.com", "examplebucket");
  settings.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  settings.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  auto store = S3ObjectStore::Create(settings, http, clock, {.addressing = S3Addressing::kVirtualHosted});
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto url = (*store)->PresignGet("test.txt", std::chrono::seconds(86400));
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(*url,
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(S3ObjectStoreUrlTest, DefaultEndpointIsVirtualHostedAndEncodesKeysPerSegment) {
  net::HttpClient http;
  ManualClock clock;
  S3Settings settings = Settings("", "reflector-bucket");
  settings.region = "eu-west-1";
  auto store = S3ObjectStore::Create(settings, http, clock);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->ObjectUrl("a b/\xC3\xA9+.txt"),
            "https://reflector-bucket.s3.eu-west-1.amazonaws.com/a%20b/%C3%A9%2B.txt");
}

TEST(S3ObjectStoreUrlTest, EndpointUrlIsPathStyle) {
  net::HttpClient http;
  ManualClock clock(May24th2013());
  auto store = S3ObjectStore::Create(Settings("http://127.0.0.1:9000"), http, clock);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->ObjectUrl("a b/\xC3\xA9+.txt"), "http://127.0.0.1:9000/bucket/a%20b/%C3%A9%2B.txt");

  // The presigned URL signs the encoded path and the host with its port.
  auto url = (*store)->PresignGet("a b/\xC3\xA9+.txt", std::chrono::seconds(600));
  ASSERT_TRUE(url.ok()) << url.error().message;
  PresignRequest expected;
  expected.host = "127.0.0.1:9000";
  expected.canonical_uri = "/bucket/a%20b/%C3%A9%2B.txt";
  expected.region = "us-east-1";
  expected.access_key_id = "AKID";
  expected.secret_access_key = "SECRET";
  expected.time = May24th2013();
  expected.expires = std::chrono::seconds(600);
  EXPECT_EQ(*url, "http://127.0.0.1:9000/bucket/a%20b/%C3%A9%2B.txt?" + PresignQuery(expected));

  auto prefixed = S3ObjectStore::Create(Settings("https://storage.example.com/s3/"), http, clock);
  ASSERT_TRUE(prefixed.ok()) << prefixed.error().message;
  EXPECT_EQ((*prefixed)->ObjectUrl("k"), "https://storage.example.com/s3/bucket/k");
}

TEST(S3ObjectStoreUrlTest, PresignRefusesLifetimesSigV4CannotExpress) {
  net::HttpClient http;
  ManualClock clock;
  auto store = std::move(S3ObjectStore::Create(Settings("http://127.0.0.1:9000"), http, clock)).value();
  EXPECT_EQ(store->PresignGet("k", std::chrono::seconds(0)).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(store->PresignGet("k", std::chrono::seconds(604801)).error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(store->PresignGet("k", std::chrono::seconds(604800)).ok());
}

TEST(S3ObjectStoreUrlTest, ReportsEverySettingsProblemTogether) {
  net::HttpClient http;
  ManualClock clock;
  S3Settings settings;
  settings.bucket = "bad/bucket";
  settings.region = "";
  settings.endpoint_url = "ftp://host:21";
  auto store = S3ObjectStore::Create(settings, http, clock);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::kInvalidInput);
  for (const char* problem : {"bad/bucket", "region is empty", "access key id is empty",
                              "secret access key is empty", "ftp://host:21"}) {
    EXPECT_NE(store.error().message.find(problem), std::string::npos) << store.error().message;
  }
  auto factory = S3ObjectStoreFactory::Create(settings, http, clock);
  EXPECT_FALSE(factory.ok());
}

// A stand-in for S3: the first key segment chooses the answer ("404/...", "503/...").
class FakeS3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = S3ObjectStore::Create(Settings(server_.BaseUrl()), http_, clock_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
  }

  TestHttpResponse Answer(const TestHttpRequest& request) {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    std::string path = request.path.substr(std::string("/bucket/").size());
    std::string first = path.substr(0, path.find('/'));
    auto error = [](int status, std::string code) {
      return TestHttpResponse{status,
                              {{"Content-Type", "application/xml"}},
                              "<Error><Code>" + code + "</Code><Message>said " + code + "</Message></Error>",
                              {}};
    };
    if (first == "404") return error(404, "NoSuchKey");
    if (first == "403") return error(403, "SignatureDoesNotMatch");
    if (first == "503") return error(503, "SlowDown");
    if (first == "400") return error(400, "InvalidArgument");
    if (request.method == "GET") return TestHttpResponse{200, {}, "object bytes", {}};
    if (request.method == "DELETE") return TestHttpResponse{204, {}, "", {}};
    return TestHttpResponse{200, {}, "", {}};
  }

  TestHttpRequest LastRequest() {
    std::lock_guard lock(mutex_);
    return requests_.back();
  }

  std::mutex mutex_;
  std::vector<TestHttpRequest> requests_;
  HttpTestServer server_{[this](const TestHttpRequest& request) { return Answer(request); }};
  net::HttpClient http_;
  ManualClock clock_;
  std::unique_ptr<S3ObjectStore> store_;
  TempDir dir_;
};

TEST_F(FakeS3Test, PutSendsTheFileSignedWithItsHash) {
  std::string content = testing::RandomBytes(1500 * 1000, 3);
  testing::WriteFile(dir_ / "up.bin", content);
  Status status = store_->PutFile("a b/\xC3\xA9+.txt", dir_ / "up.bin");
  ASSERT_TRUE(status.ok()) << status.error().Describe();
  TestHttpRequest request = LastRequest();
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.path, "/bucket/a%20b/%C3%A9%2B.txt");
  EXPECT_TRUE(request.body == content);
  EXPECT_EQ(request.Header("x-amz-content-sha256"), Sha256Hex(content));
  EXPECT_EQ(request.Header("Content-Type"), "application/octet-stream");
  std::string authorization = request.Header("Authorization").value_or("");
  EXPECT_EQ(authorization.rfind("AWS4-HMAC-SHA256 Credential=AKID/", 0), 0u) << authorization;
  EXPECT_NE(authorization.find("/us-east-1/s3/aws4_request"), std::string::npos) << authorization;
  EXPECT_NE(authorization.find("x-amz-content-sha256"), std::string::npos) << authorization;
}

TEST_F(FakeS3Test, GetWritesTheBodyAndMapsMissingToNotFound) {
  ASSERT_TRUE(store_->GetFile("dir/k", dir_ / "sub/out.bin").ok());
  EXPECT_EQ(testing::ReadFile(dir_ / "sub/out.bin"), "object bytes");
  EXPECT_EQ(LastRequest().Header("x-amz-content-sha256"), Sha256Hex(""));

  Status missing = store_->GetFile("404/k", dir_ / "sub/out.bin");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(missing.error().retryable);
  EXPECT_EQ(missing.error().message, "object not found: s3://bucket/404/k (fetching)");
  EXPECT_EQ(testing::ReadFile(dir_ / "sub/out.bin"), "object bytes");  // untouched
}

TEST_F(FakeS3Test, ForbiddenIsATerminalAccessDenied) {
  Status status = store_->GetFile("403/k", dir_ / "out.bin");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kExternal);
  EXPECT_FALSE(status.error().retryable);
  EXPECT_EQ(status.error().message.rfind(
                "access denied fetching s3://bucket/403/k: HTTP 403: SignatureDoesNotMatch", 0),
            0u)
      << status.error().message;
  EXPECT_NE(status.error().message.find("check the S3 access key"), std::string::npos);

  auto exists = store_->Exists("403/k");  // HEAD has no body, still access denied
  ASSERT_FALSE(exists.ok());
  EXPECT_EQ(exists.error().kind, ErrorKind::kExternal);
  EXPECT_NE(exists.error().message.find("access denied"), std::string::npos);
}

TEST_F(FakeS3Test, ServerTroubleIsRetryableAndBadRequestsAreNot) {
  testing::WriteFile(dir_ / "f", "x");
  Status busy = store_->PutFile("503/k", dir_ / "f");
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(busy.error().retryable);
  EXPECT_EQ(busy.error().message, "storing s3://bucket/503/k: HTTP 503: SlowDown (said SlowDown)");

  Status bad = store_->PutFile("400/k", dir_ / "f");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kExternal);
  EXPECT_FALSE(bad.error().retryable);

  Status deleting = store_->Delete("503/k");
  ASSERT_FALSE(deleting.ok());
  EXPECT_TRUE(deleting.error().retryable);
}

TEST_F(FakeS3Test, ExistsAndDeleteTreatMissingObjectsCalmly) {
  EXPECT_TRUE(store_->Exists("k").value());
  EXPECT_EQ(LastRequest().method, "HEAD");
  EXPECT_FALSE(store_->Exists("404/k").value());
  EXPECT_TRUE(store_->Delete("k").ok());
  EXPECT_EQ(LastRequest().method, "DELETE");
  EXPECT_TRUE(store_->Delete("404/k").ok());
}

TEST_F(FakeS3Test, MissingUploadFileIsInvalidInputAndSendsNothing) {
  Status status = store_->PutFile("k", dir_ / "absent.bin");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(status.error().message.find("absent.bin"), std::string::npos);
  EXPECT_EQ(server_.RequestCount(), 0);
}

TEST_F(FakeS3Test, InvalidKeysNeverReachTheServer) {
  EXPECT_EQ(store_->Exists("a/../b").error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(store_->Delete("/a").error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(server_.RequestCount(), 0);
}

TEST(S3ObjectStoreTest, StoppedServerIsRetryable) {
  net::HttpClient http;
  ManualClock clock;
  std::string endpoint = "http://127.0.0.1:" + std::to_string(reflector::testing::UnusedLocalPort());
  auto store = std::move(S3ObjectStore::Create(Settings(endpoint), http, clock)).value();
  auto exists = store->Exists("k");
  ASSERT_FALSE(exists.ok());
  EXPECT_EQ(exists.error().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(exists.error().retryable);
  EXPECT_EQ(exists.error().message.rfind("checking s3://bucket/k: connection refused: 127.0.0.1:", 0), 0u)
      << exists.error().message;
}

}  // namespace
}  // namespace reflector::storage
