#include "net/temp_download.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

namespace reflector::net {

TempDownload::~TempDownload() {
  if (fd_ >= 0) ::close(fd_);
  if (!path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
}

Status TempDownload::Open(const std::filesystem::path& target) {
  target_ = target;
  std::string pattern = target.string() + ".part-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  fd_ = ::mkstemp(buffer.data());
  if (fd_ < 0) {
    return Error::Terminal(ErrorKind::kIo, "cannot create a temporary file beside " + target.string() + ": " +
                                               std::strerror(errno));
  }
  path_ = buffer.data();
  return Ok();
}

bool TempDownload::Write(const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t written = ::write(fd_, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      write_errno_ = errno;
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

Error TempDownload::WriteError() const {
  return Error::Terminal(ErrorKind::kIo,
                         "cannot write " + path_.string() + ": " + std::strerror(write_errno_));
}

Status TempDownload::Commit() {
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    fd_ = -1;
    return Error::Terminal(ErrorKind::kIo, "cannot flush " + path_.string() + ": " + std::strerror(errno));
  }
  fd_ = -1;
  std::error_code error;
  std::filesystem::rename(path_, target_, error);
  if (error) {
    return Error::Terminal(ErrorKind::kIo, "cannot rename " + path_.string() + " to " + target_.string() +
                                               ": " + error.message());
  }
  path_.clear();
  return Ok();
}

}  // namespace reflector::net
