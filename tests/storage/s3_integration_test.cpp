// The S3 backend against a real S3-compatible server that verifies SigV4 signatures
// (`scripts/test-services start` runs one and exports the REFLECTOR_TEST_S3_* variables).

#include <gtest/gtest.h>

#include "core/ids.hpp"
#include "storage/s3/s3_object_store.hpp"
#include "support/http_test_server.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"
#include "support/test_files.hpp"

namespace reflector::storage {
namespace {

using reflector::testing::RequireServiceVariable;
using reflector::testing::TempDir;

constexpr std::string_view kService = "an S3-compatible server (s3 test service)";

class S3IntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.endpoint_url = RequireServiceVariable("REFLECTOR_TEST_S3_ENDPOINT", kService);
    settings_.bucket = RequireServiceVariable("REFLECTOR_TEST_S3_BUCKET", kService);
    settings_.region = RequireServiceVariable("REFLECTOR_TEST_S3_REGION", kService);
    settings_.access_key_id = RequireServiceVariable("REFLECTOR_TEST_S3_ACCESS_KEY", kService);
    settings_.secret_access_key = RequireServiceVariable("REFLECTOR_TEST_S3_SECRET_KEY", kService);
    if (HasFailure()) GTEST_FAIL() << "the S3 test server is not configured";
    store_ = MakeStore(settings_, system_clock_);
    ASSERT_TRUE(store_);
    prefix_ = "storage-test-" + NewUuid4() + "/";
  }

  std::unique_ptr<S3ObjectStore> MakeStore(const S3Settings& settings, const Clock& clock) {
    auto store = S3ObjectStore::Create(settings, http_, clock);
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // GET without credentials, as an outside service fetches a presigned URL.
  net::HttpResponse Fetch(const std::string& url) {
    net::HttpRequest request;
    request.url = url;
    auto response = http_.Send(request);
    EXPECT_TRUE(response.ok()) << response.error().Describe();
    return response.ok() ? std::move(response).value() : net::HttpResponse{};
  }

  std::string Key(std::string_view name) const { return prefix_ + std::string(name); }

  S3Settings settings_;
  net::HttpClient http_;
  SystemClock system_clock_;
  std::unique_ptr<S3ObjectStore> store_;
  std::string prefix_;
  TempDir dir_{"reflector-s3-test"};
};

TEST_F(S3IntegrationTest, RoundTripsAFewMegabytes) {
  std::string content = testing::RandomBytes(6 * 1024 * 1024 + 321, 11);
  testing::WriteFile(dir_ / "up.bin", content);
  Status put = store_->PutFile(Key("big.bin"), dir_ / "up.bin");
  ASSERT_TRUE(put.ok()) << put.error().Describe();
  Status get = store_->GetFile(Key("big.bin"), dir_ / "down/big.bin");
  ASSERT_TRUE(get.ok()) << get.error().Describe();
  EXPECT_EQ(std::filesystem::file_size(dir_ / "down/big.bin"), content.size());
  EXPECT_TRUE(testing::ReadFile(dir_ / "down/big.bin") == content) << "downloaded bytes differ";
  EXPECT_TRUE(std::filesystem::exists(dir_ / "down/big.bin"));
  int entries = 0;  // no temporary file left beside the download
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_ / "down"))
    ++entries;
  EXPECT_EQ(entries, 1);
  EXPECT_TRUE(store_->Delete(Key("big.bin")).ok());
}

TEST_F(S3IntegrationTest, PutOverwrites) {
  testing::WriteFile(dir_ / "one", "first version");
  testing::WriteFile(dir_ / "two", "second");
  ASSERT_TRUE(store_->PutFile(Key("k"), dir_ / "one").ok());
  ASSERT_TRUE(store_->PutFile(Key("k"), dir_ / "two").ok());
  ASSERT_TRUE(store_->GetFile(Key("k"), dir_ / "got").ok());
  EXPECT_EQ(testing::ReadFile(dir_ / "got"), "second");
  EXPECT_TRUE(store_->Delete(Key("k")).ok());
}

TEST_F(S3IntegrationTest, ExistsDeleteAndDeleteAgain) {
  testing::WriteFile(dir_ / "f", "x");
  auto before = store_->Exists(Key("e"));
  ASSERT_TRUE(before.ok()) << before.error().Describe();
  EXPECT_FALSE(*before);
  ASSERT_TRUE(store_->PutFile(Key("e"), dir_ / "f").ok());
  EXPECT_TRUE(store_->Exists(Key("e")).value());
  Status first = store_->Delete(Key("e"));
  ASSERT_TRUE(first.ok()) << first.error().Describe();
  EXPECT_FALSE(store_->Exists(Key("e")).value());
  Status second = store_->Delete(Key("e"));
  EXPECT_TRUE(second.ok()) << second.error().Describe();
}

TEST_F(S3IntegrationTest, MissingObjectIsNotFoundNamingTheKey) {
  Status status = store_->GetFile(Key("missing.bin"), dir_ / "out");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(status.error().retryable);
  EXPECT_NE(status.error().message.find(Key("missing.bin")), std::string::npos) << status.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out"));
}

TEST_F(S3IntegrationTest, KeysWithSpacesAndNonAsciiRoundTrip) {
  const std::string key = Key("a b/\xC3\xA9+\xC3\xBC (1)~.txt");
  testing::WriteFile(dir_ / "f", "unicode key");
  Status put = store_->PutFile(key, dir_ / "f");
  ASSERT_TRUE(put.ok()) << put.error().Describe();
  EXPECT_TRUE(store_->Exists(key).value());
  ASSERT_TRUE(store_->GetFile(key, dir_ / "g").ok());
  EXPECT_EQ(testing::ReadFile(dir_ / "g"), "unicode key");
  auto url = store_->PresignGet(key, std::chrono::seconds(300));
  ASSERT_TRUE(url.ok());
  net::HttpResponse fetched = Fetch(*url);
  EXPECT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.body, "unicode key");
  EXPECT_TRUE(store_->Delete(key).ok());
  EXPECT_FALSE(store_->Exists(key).value());
}

TEST_F(S3IntegrationTest, PresignedUrlServesTheSameBytesWithoutCredentials) {
  std::string content = testing::RandomBytes(200 * 1024, 12);
  testing::WriteFile(dir_ / "f", content);
  ASSERT_TRUE(store_->PutFile(Key("shared.bin"), dir_ / "f").ok());
  auto url = store_->PresignGet(Key("shared.bin"), std::chrono::seconds(300));
  ASSERT_TRUE(url.ok()) << url.error().Describe();
  net::HttpResponse response = Fetch(*url);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(response.body == content) << "presigned download differs";
  EXPECT_TRUE(store_->Delete(Key("shared.bin")).ok());
}

TEST_F(S3IntegrationTest, TamperedPresignedUrlIsRefused) {
  testing::WriteFile(dir_ / "f", "secret");
  ASSERT_TRUE(store_->PutFile(Key("t"), dir_ / "f").ok());
  auto url = store_->PresignGet(Key("t"), std::chrono::seconds(300));
  ASSERT_TRUE(url.ok());
  // Change the last hex digit of the signature.
  std::string tampered = *url;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  net::HttpResponse response = Fetch(tampered);
  EXPECT_EQ(response.status, 403) << response.body;
  EXPECT_EQ(Fetch(*url).status, 200);  // the untouched URL still works
  EXPECT_TRUE(store_->Delete(Key("t")).ok());
}

TEST_F(S3IntegrationTest, ExpiredPresignedUrlIsRefused) {
  testing::WriteFile(dir_ / "f", "old");
  ASSERT_TRUE(store_->PutFile(Key("x"), dir_ / "f").ok());
  // Signed two hours ago for one minute: expired now, without sleeping.
  ManualClock past(system_clock_.Now() - std::chrono::hours(2));
  auto past_store = MakeStore(settings_, past);
  ASSERT_TRUE(past_store);
  auto url = past_store->PresignGet(Key("x"), std::chrono::seconds(60));
  ASSERT_TRUE(url.ok());
  net::HttpResponse response = Fetch(*url);
  EXPECT_EQ(response.status, 403) << response.body;
  EXPECT_TRUE(store_->Delete(Key("x")).ok());
}

TEST_F(S3IntegrationTest, WrongSecretKeyIsATerminalAccessDenied) {
  S3Settings wrong = settings_;
  wrong.secret_access_key = settings_.secret_access_key + "-wrong";
  auto wrong_store = MakeStore(wrong, system_clock_);
  ASSERT_TRUE(wrong_store);
  testing::WriteFile(dir_ / "f", "x");
  Status status = wrong_store->PutFile(Key("denied"), dir_ / "f");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kExternal);
  EXPECT_FALSE(status.error().retryable);
  EXPECT_NE(status.error().message.find("access denied"), std::string::npos) << status.error().message;
  EXPECT_NE(status.error().message.find(Key("denied")), std::string::npos) << status.error().message;
  EXPECT_FALSE(store_->Exists(Key("denied")).value());
}

TEST_F(S3IntegrationTest, ServerThatIsNotRunningGivesARetryableError) {
  S3Settings down = settings_;
  down.endpoint_url = "http://127.0.0.1:" + std::to_string(reflector::testing::UnusedLocalPort());
  auto down_store = MakeStore(down, system_clock_);
  ASSERT_TRUE(down_store);
  testing::WriteFile(dir_ / "f", "x");
  Status status = down_store->PutFile(Key("k"), dir_ / "f");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(status.error().retryable);
  EXPECT_NE(status.error().message.find("connection refused"), std::string::npos) << status.error().message;
}

}  // namespace
}  // namespace reflector::storage
