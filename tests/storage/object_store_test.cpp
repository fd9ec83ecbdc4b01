#include "storage/object_store.hpp"

#include <gtest/gtest.h>

#include <string>

namespace reflector::storage {
namespace {

TEST(ValidateKeyTest, AcceptsOrdinaryKeys) {
  for (const char* key : {"a", "a/b/c.mp3", "transcripts/123/mixdown.mp3", "a b/\xC3\xA9+.txt", "..a/b..",
                          ".hidden", "a/.../b"}) {
    EXPECT_TRUE(ValidateKey(key).ok()) << key;
  }
  EXPECT_TRUE(ValidateKey(std::string(1024, 'k')).ok());
}

TEST(ValidateKeyTest, RefusesKeysThatEscapeOrAreAmbiguous) {
  for (std::string key :
       {std::string(""), std::string("/a"), std::string("a/"), std::string("a//b"), std::string(".."),
        std::string("a/../b"), std::string("../a"), std::string("a/.."), std::string("./a"),
        std::string("a/./b"), std::string("a\0b", 3), std::string(1025, 'k')}) {
    Status status = ValidateKey(key);
    ASSERT_FALSE(status.ok()) << key;
    EXPECT_EQ(status.error().kind, ErrorKind::kInvalidInput);
    EXPECT_FALSE(status.error().retryable);
    EXPECT_EQ(status.error().message.rfind("invalid object key '", 0), 0u) << status.error().message;
  }
  // The message quotes the key, with control bytes made visible.
  EXPECT_EQ(ValidateKey("a/../b").error().message, "invalid object key 'a/../b': contains a '..' segment");
  EXPECT_EQ(ValidateKey(std::string("a\0b", 3)).error().message,
            "invalid object key 'a\\x00b': contains a NUL byte");
}

TEST(ValidateBucketTest, AcceptsAndRefuses) {
  for (const char* bucket : {"reflector-bucket", "reflector_test.1", "A"}) {
    EXPECT_TRUE(ValidateBucket(bucket).ok()) << bucket;
  }
  for (const char* bucket : {"", ".", "..", "a/b", "a b", "bucket\xC3\xA9"}) {
    Status status = ValidateBucket(bucket);
    ASSERT_FALSE(status.ok()) << bucket;
    EXPECT_EQ(status.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(status.error().message.find("invalid bucket name"), std::string::npos);
  }
}

}  // namespace
}  // namespace reflector::storage
