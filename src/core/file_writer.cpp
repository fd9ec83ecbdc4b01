#include "core/file_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace reflector {

Result<FileWriter> FileWriter::Open(const std::filesystem::path& path, Mode mode) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == Mode::kAppend ? O_APPEND : O_TRUNC);
  const int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return FileSystemError("cannot create", path.string(), errno);
  return FileWriter(path, fd);
}

FileWriter::~FileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

FileWriter::FileWriter(FileWriter&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

Status FileWriter::Write(std::string_view data) {
  if (fd_ < 0) return Error::Internal("write to " + path_.string() + " after it was closed");
  while (!data.empty()) {
    const ssize_t written = ::write(fd_, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return FileSystemError("cannot write", path_.string(), errno);
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return Ok();
}

Status FileWriter::Close() {
  if (fd_ < 0) return Ok();
  const int result = ::close(std::exchange(fd_, -1));
  if (result != 0) return FileSystemError("cannot write", path_.string(), errno);
  return Ok();
}

Status WriteWholeFile(const std::filesystem::path& path, std::string_view content) {
  REFLECTOR_ASSIGN_OR_RETURN(FileWriter file, FileWriter::Open(path));
  REFLECTOR_TRY(file.Write(content));
  return file.Close();
}

}  // namespace reflector
