// BucketRoutingStoreFactory: a routed bucket is opened through its own factory, every other one
// through the fallback (here two local stores with different roots stand for two backends).

#include "storage/bucket_routing.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "storage/factory.hpp"
#include "support/temp_dir.hpp"

namespace reflector::storage {
namespace {

namespace fs = std::filesystem;

class BucketRoutingTest : public ::testing::Test {
 protected:
  std::unique_ptr<ObjectStoreFactory> LocalFactory(const fs::path& root) {
    auto factory = MakeObjectStoreFactory(StorageBackend::kLocal, {}, root, http_, clock_);
    EXPECT_TRUE(factory.ok()) << factory.error().message;
    return factory.ok() ? std::move(*factory) : nullptr;
  }

  reflector::testing::TempDir dir_{"reflector-bucket-routing"};
  net::HttpClient http_;
  SystemClock clock_;
};

TEST_F(BucketRoutingTest, RoutedBucketsUseTheirOwnFactory) {
  BucketRoutingStoreFactory routing(LocalFactory(dir_ / "transcripts"));
  routing.Route("dailyco", LocalFactory(dir_ / "daily"));
  const fs::path file = dir_ / "track.webm";
  std::ofstream(file) << "raw track";

  auto daily = routing.ForBucket("dailyco");
  ASSERT_TRUE(daily.ok()) << daily.error().message;
  EXPECT_EQ((*daily)->Bucket(), "dailyco");
  ASSERT_TRUE((*daily)->PutFile("acme/room/key", file).ok());
  auto pipeline = routing.ForBucket("reflector");
  ASSERT_TRUE(pipeline.ok());
  ASSERT_TRUE((*pipeline)->PutFile("t/audio.mp3", file).ok());

  EXPECT_TRUE(fs::exists(dir_ / "daily" / "dailyco" / "acme/room/key"));
  EXPECT_FALSE(fs::exists(dir_ / "transcripts" / "dailyco"));
  EXPECT_TRUE(fs::exists(dir_ / "transcripts" / "reflector" / "t/audio.mp3"));
  EXPECT_FALSE(fs::exists(dir_ / "daily" / "reflector"));

  auto back = routing.ForBucket("dailyco");
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE((*back)->GetFile("acme/room/key", dir_ / "copy").ok());
  auto missing = (*pipeline)->Exists("acme/room/key");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(*missing) << "the fallback does not see the routed bucket's objects";
}

TEST_F(BucketRoutingTest, BadBucketNamesAreRefusedByTheFactoryThatServesThem) {
  BucketRoutingStoreFactory routing(LocalFactory(dir_ / "transcripts"));
  routing.Route("dailyco", LocalFactory(dir_ / "daily"));
  auto bad = routing.ForBucket("a/b");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace reflector::storage
