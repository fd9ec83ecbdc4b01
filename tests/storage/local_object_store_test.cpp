#include "storage/local/local_object_store.hpp"

#include <gtest/gtest.h>

#include "net/url.hpp"
#include "support/temp_dir.hpp"
#include "support/test_files.hpp"

namespace reflector::storage {
namespace {

using reflector::testing::TempDir;
using testing::RandomBytes;
using testing::ReadFile;
using testing::WriteFile;

class LocalObjectStoreTest : public ::testing::Test {
 protected:
  TempDir root_{"reflector-storage-root"};
  TempDir work_{"reflector-storage-work"};
  LocalObjectStoreFactory factory_{root_.path()};
  std::unique_ptr<ObjectStore> store_ = std::move(factory_.ForBucket("recordings")).value();
};

TEST_F(LocalObjectStoreTest, RoundTripsAFileThroughTheBucketDirectory) {
  // Larger than the 1 MiB copy chunk and not a multiple of it.
  std::string content = RandomBytes(3 * 1024 * 1024 + 123, 7);
  WriteFile(work_ / "in.bin", content);
  ASSERT_TRUE(store_->PutFile("tracks/a/in.bin", work_ / "in.bin").ok());
  EXPECT_EQ(store_->Bucket(), "recordings");
  EXPECT_TRUE(ReadFile(root_ / "recordings/tracks/a/in.bin") == content);

  Status fetched = store_->GetFile("tracks/a/in.bin", work_ / "out/nested/out.bin");
  ASSERT_TRUE(fetched.ok()) << fetched.error().Describe();
  EXPECT_TRUE(ReadFile(work_ / "out/nested/out.bin") == content);

  // No temporary files are left beside the object or the download.
  for (const auto& dir : {root_ / "recordings/tracks/a", work_ / "out/nested"}) {
    int entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir))
      ++entries;
    EXPECT_EQ(entries, 1) << dir;
  }
}

TEST_F(LocalObjectStoreTest, PutOverwrites) {
  WriteFile(work_ / "one.txt", "first version, longer");
  WriteFile(work_ / "two.txt", "second");
  ASSERT_TRUE(store_->PutFile("k.txt", work_ / "one.txt").ok());
  ASSERT_TRUE(store_->PutFile("k.txt", work_ / "two.txt").ok());
  ASSERT_TRUE(store_->GetFile("k.txt", work_ / "got.txt").ok());
  EXPECT_EQ(ReadFile(work_ / "got.txt"), "second");
}

TEST_F(LocalObjectStoreTest, ExistsAndDelete) {
  WriteFile(work_ / "f.txt", "x");
  auto exists = store_->Exists("dir/f.txt");
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);
  ASSERT_TRUE(store_->PutFile("dir/f.txt", work_ / "f.txt").ok());
  EXPECT_TRUE(store_->Exists("dir/f.txt").value());
  EXPECT_FALSE(store_->Exists("dir").value());          // a "directory" is not an object
  EXPECT_FALSE(store_->Exists("dir/f.txt/x").value());  // below a file
  ASSERT_TRUE(store_->Delete("dir/f.txt").ok());
  EXPECT_FALSE(store_->Exists("dir/f.txt").value());
  // Deleting what is not there succeeds.
  EXPECT_TRUE(store_->Delete("dir/f.txt").ok());
  EXPECT_TRUE(store_->Delete("never/was.txt").ok());
}

TEST_F(LocalObjectStoreTest, MissingObjectIsNotFoundNamingTheKey) {
  WriteFile(work_ / "existing.txt", "keep me");
  Status status = store_->GetFile("no/such.key", work_ / "existing.txt");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(status.error().retryable);
  EXPECT_NE(status.error().message.find("no/such.key"), std::string::npos) << status.error().message;
  EXPECT_NE(status.error().message.find("recordings"), std::string::npos) << status.error().message;
  EXPECT_EQ(ReadFile(work_ / "existing.txt"), "keep me");
}

TEST_F(LocalObjectStoreTest, MissingSourceFileIsInvalidInput) {
  Status status = store_->PutFile("k", work_ / "absent.bin");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(status.error().message.find("absent.bin"), std::string::npos) << status.error().message;
  EXPECT_FALSE(store_->Exists("k").value());
}

TEST_F(LocalObjectStoreTest, EveryMethodValidatesTheKey) {
  WriteFile(work_ / "f", "x");
  const std::string bad = "../escape";
  for (Status status :
       {store_->PutFile(bad, work_ / "f"), store_->GetFile(bad, work_ / "g"), store_->Delete(bad)}) {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(status.error().message.find(bad), std::string::npos);
  }
  EXPECT_EQ(store_->Exists(bad).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(store_->PresignGet(bad, std::chrono::seconds(60)).error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(std::filesystem::exists(root_.path() / "escape"));
}

TEST_F(LocalObjectStoreTest, FactoryRefusesBadBucketNames) {
  auto store = factory_.ForBucket("../etc");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(store.error().message.find("../etc"), std::string::npos);
}

TEST_F(LocalObjectStoreTest, BucketsAreSeparate) {
  auto other = std::move(factory_.ForBucket("other")).value();
  WriteFile(work_ / "f", "in recordings");
  ASSERT_TRUE(store_->PutFile("same/key", work_ / "f").ok());
  EXPECT_FALSE(other->Exists("same/key").value());
  EXPECT_EQ(other->Bucket(), "other");
}

TEST_F(LocalObjectStoreTest, PresignGetGivesAFileUrl) {
  auto url = store_->PresignGet("a b/\xC3\xA9+.txt", std::chrono::seconds(3600));
  ASSERT_TRUE(url.ok());
  std::string expected_path = (root_.path() / "recordings").string();
  EXPECT_EQ(*url, "file://" + net::UriEncode(expected_path, true) + "/a%20b/%C3%A9%2B.txt");
  EXPECT_EQ(store_->PresignGet("k", std::chrono::seconds(0)).error().kind, ErrorKind::kInvalidInput);
}

TEST_F(LocalObjectStoreTest, StoppedCopyLeavesNothingBehind) {
  WriteFile(work_ / "f", RandomBytes(100, 1));
  std::stop_source stop;
  stop.request_stop();
  Status status = store_->PutFile("k", work_ / "f", stop.get_token());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kCancelled);
  EXPECT_FALSE(store_->Exists("k").value());
  EXPECT_TRUE(std::filesystem::is_empty(root_ / "recordings"));
}

TEST(CopyFileAtomicallyTest, ReplacesTheTargetWhole) {
  TempDir dir;
  WriteFile(dir / "source", "new content");
  WriteFile(dir / "target", "old");
  ASSERT_TRUE(CopyFileAtomically(dir / "source", dir / "target", {}).ok());
  EXPECT_EQ(ReadFile(dir / "target"), "new content");
  Status missing = CopyFileAtomically(dir / "nope", dir / "target", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(ReadFile(dir / "target"), "new content");
}

}  // namespace
}  // namespace reflector::storage
