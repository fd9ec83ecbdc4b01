#pragma once
// A local file written in pieces through a POSIX descriptor, so that every failure carries its
// errno: a full disk is a retryable kNoSpace naming the file ("No space left on device"), any
// other failure a terminal kIo (FileSystemError). For scratch files; it does not make a write
// atomic (storage/local does that with a temporary file and a rename).

#include <filesystem>
#include <string_view>

#include "core/result.hpp"

namespace reflector {

class FileWriter {
 public:
  enum class Mode { kTruncate, kAppend };

  // Creates the file (or truncates it; kAppend appends to it), mode 0644.
  static Result<FileWriter> Open(const std::filesystem::path& path, Mode mode = Mode::kTruncate);
  // Closes the file if Close was not called; an error is then lost, so call Close.
  ~FileWriter();
  FileWriter(FileWriter&& other) noexcept;
  FileWriter& operator=(FileWriter&& other) = delete;
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Writes all of `data` (retrying short writes).
  Status Write(std::string_view data);
  // Closes the file, reporting an error the file system deferred to the close.
  Status Close();

 private:
  FileWriter(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::filesystem::path path_;
  int fd_ = -1;
};

// Writes `content` as the whole of `path` (created or truncated) and closes it.
Status WriteWholeFile(const std::filesystem::path& path, std::string_view content);

}  // namespace reflector
