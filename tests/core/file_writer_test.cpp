#include "core/file_writer.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/temp_dir.hpp"

namespace reflector {
namespace {

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

TEST(FileWriterTest, WritesTruncatesAndAppends) {
  testing::TempDir dir("reflector-file-writer");
  ASSERT_TRUE(WriteWholeFile(dir / "a.txt", "first version, longer").ok());
  ASSERT_TRUE(WriteWholeFile(dir / "a.txt", "second").ok());
  EXPECT_EQ(Read(dir / "a.txt"), "second");

  auto appending = FileWriter::Open(dir / "a.txt", FileWriter::Mode::kAppend);
  ASSERT_TRUE(appending.ok()) << appending.error().Describe();
  ASSERT_TRUE(appending->Write(" and more").ok());
  ASSERT_TRUE(appending->Close().ok());
  EXPECT_EQ(Read(dir / "a.txt"), "second and more");
}

TEST(FileWriterTest, AFullDeviceIsARetryableNoSpaceErrorNamingTheFile) {
  // /dev/full answers every write with ENOSPC, as a full disk does.
  auto full = FileWriter::Open("/dev/full");
  ASSERT_TRUE(full.ok()) << full.error().Describe() << " (needs /dev/full)";
  Status written = full->Write(std::string(70000, 'x'));
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().kind, ErrorKind::kNoSpace);
  EXPECT_TRUE(written.error().retryable);
  EXPECT_EQ(written.error().message, "cannot write /dev/full: No space left on device");
}

TEST(FileWriterTest, AMissingDirectoryIsATerminalIoError) {
  testing::TempDir dir("reflector-file-writer");
  Status written = WriteWholeFile(dir / "missing" / "a.txt", "x");
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().kind, ErrorKind::kIo);
  EXPECT_FALSE(written.error().retryable);
  EXPECT_NE(written.error().message.find("No such file or directory"), std::string::npos);
}

}  // namespace
}  // namespace reflector
