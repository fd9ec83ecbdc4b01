#include "core/result.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace reflector {
namespace {

Result<int> Half(int value) {
  if (value % 2 != 0) return Error::InvalidInput("odd value " + std::to_string(value));
  return value / 2;
}

Result<int> Quarter(int value) {
  REFLECTOR_ASSIGN_OR_RETURN(int half, Half(value));
  REFLECTOR_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckPositive(int value) {
  if (value <= 0) return Error::Transient(ErrorKind::kUnavailable, "not positive");
  return Ok();
}

Status Both(int a, int b) {
  REFLECTOR_TRY(CheckPositive(a));
  REFLECTOR_TRY(CheckPositive(b));
  return Ok();
}

TEST(ResultTest, ValueAndErrorPropagate) {
  auto ok = Quarter(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);

  auto failed = Quarter(6);  // 6 -> 3 -> odd
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(failed.error().retryable);
  EXPECT_EQ(failed.error().message, "odd value 3");
}

TEST(ResultTest, StatusPropagatesFirstError) {
  EXPECT_TRUE(Both(1, 2).ok());
  auto failed = Both(1, -1);
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.error().retryable);
  EXPECT_EQ(failed.error().kind, ErrorKind::kUnavailable);
}

TEST(ResultTest, ContextAndDescription) {
  Error error = Error::NotFound("no such key").WithContext("a/b.webm");
  EXPECT_EQ(error.message, "a/b.webm: no such key");
  EXPECT_EQ(error.Describe(), "not_found: a/b.webm: no such key");
  EXPECT_EQ(Error::Cancelled().Describe(), "cancelled (retryable): cancelled");
  EXPECT_EQ(Error::Terminal(ErrorKind::kUnauthorized, "token expired").Describe(),
            "unauthorized: token expired");
}

TEST(ResultTest, AFullDiskIsARetryableNoSpaceErrorNamingTheFile) {
  Error full = FileSystemError("cannot write", "/data/audio.mp3", ENOSPC);
  EXPECT_EQ(full.kind, ErrorKind::kNoSpace);
  EXPECT_TRUE(full.retryable) << "space may be freed";
  EXPECT_EQ(full.message, "cannot write /data/audio.mp3: No space left on device");
  EXPECT_EQ(FileSystemError("cannot write", "/data/a", EDQUOT).kind, ErrorKind::kNoSpace);
  Error denied = FileSystemError("cannot open", "/data/a", EACCES);
  EXPECT_EQ(denied.kind, ErrorKind::kIo);
  EXPECT_FALSE(denied.retryable);
  EXPECT_EQ(denied.Describe(), "io: cannot open /data/a: Permission denied");
}

TEST(ResultTest, ValueOr) {
  EXPECT_EQ(Half(3).value_or(-1), -1);
  EXPECT_EQ(Half(4).value_or(-1), 2);
}

}  // namespace
}  // namespace reflector
