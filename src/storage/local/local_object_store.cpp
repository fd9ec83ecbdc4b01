#include "storage/local/local_object_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

#include "net/url.hpp"

namespace reflector::storage {
namespace {

constexpr std::size_t kChunkSize = 1 << 20;

// Closes a file descriptor on scope exit.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  ~FileDescriptor() { Reset(); }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  // Closes now and reports the result (close can report a deferred write error).
  int Close() {
    int result = ::close(fd_);
    fd_ = -1;
    return result;
  }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Removes the file on scope exit unless released.
class RemoveOnExit {
 public:
  explicit RemoveOnExit(std::filesystem::path path) : path_(std::move(path)) {}
  ~RemoveOnExit() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
    }
  }
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;
  void Release() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

// A full disk is a retryable kNoSpace (FileSystemError); the temporary file is removed, so no
// partial object is left under any name.
Error IoError(std::string_view what, const std::filesystem::path& path, int error_number) {
  return FileSystemError(what, path.string(), error_number);
}

}  // namespace

Status CopyFileAtomically(const std::filesystem::path& source, const std::filesystem::path& target,
                          std::stop_token stop) {
  FileDescriptor in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) {
    if (errno == ENOENT) return Error::NotFound("no such file: " + source.string());
    return IoError("cannot open", source, errno);
  }
  std::error_code error;
  if (target.has_parent_path()) {
    std::filesystem::create_directories(target.parent_path(), error);
    if (error) return IoError("cannot create directory", target.parent_path(), error.value());
  }
  std::string pattern = target.string() + ".tmp-XXXXXX";
  std::vector<char> temp_name(pattern.begin(), pattern.end());
  temp_name.push_back('\0');
  FileDescriptor out(::mkostemp(temp_name.data(), O_CLOEXEC));
  if (out.get() < 0) return IoError("cannot create a temporary file beside", target, errno);
  std::filesystem::path temp_path(temp_name.data());
  RemoveOnExit cleanup(temp_path);

  std::vector<char> buffer(kChunkSize);
  while (true) {
    if (stop.stop_requested()) return Error::Cancelled("cancelled copying " + source.string());
    ssize_t read = ::read(in.get(), buffer.data(), buffer.size());
    if (read < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read", source, errno);
    }
    if (read == 0) break;
    const char* data = buffer.data();
    auto left = static_cast<std::size_t>(read);
    while (left > 0) {
      ssize_t written = ::write(out.get(), data, left);
      if (written < 0) {
        if (errno == EINTR) continue;
        return IoError("cannot write", temp_path, errno);
      }
      data += written;
      left -= static_cast<std::size_t>(written);
    }
  }
  // Local objects are readable like any file the process writes (mkstemp creates 0600).
  if (::fchmod(out.get(), 0644) != 0) return IoError("cannot set the mode of", temp_path, errno);
  if (::fsync(out.get()) != 0) return IoError("cannot flush", temp_path, errno);
  if (out.Close() != 0) return IoError("cannot close", temp_path, errno);
  std::filesystem::rename(temp_path, target, error);
  if (error) return IoError("cannot rename " + temp_path.string() + " to", target, error.value());
  cleanup.Release();
  return Ok();
}

namespace {

std::filesystem::path Absolute(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  return (error ? path : absolute).lexically_normal();
}

}  // namespace

LocalObjectStore::LocalObjectStore(const std::filesystem::path& root, std::string bucket)
    : root_(Absolute(root)), bucket_(std::move(bucket)) {}

std::filesystem::path LocalObjectStore::PathOf(std::string_view key) const {
  return root_ / bucket_ / std::filesystem::path(std::string(key));
}

std::string LocalObjectStore::Describe(std::string_view key) const {
  return "object '" + std::string(key) + "' in bucket '" + bucket_ + "'";
}

Status LocalObjectStore::PutFile(std::string_view key, const std::filesystem::path& file,
                                 std::stop_token stop) {
  REFLECTOR_TRY(ValidateKey(key));
  Status copied = CopyFileAtomically(file, PathOf(key), stop);
  if (!copied.ok()) {
    Error error = std::move(copied).error();
    // The source is the caller's file: its absence is bad input, not a missing object.
    if (error.kind == ErrorKind::kNotFound) error = Error::InvalidInput(error.message);
    return error.WithContext("storing " + Describe(key));
  }
  return Ok();
}

Status LocalObjectStore::GetFile(std::string_view key, const std::filesystem::path& file,
                                 std::stop_token stop) {
  REFLECTOR_TRY(ValidateKey(key));
  std::filesystem::path path = PathOf(key);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Error::NotFound(Describe(key) + " not found (" + path.string() + ")");
  }
  Status copied = CopyFileAtomically(path, file, stop);
  if (!copied.ok()) return std::move(copied).error().WithContext("fetching " + Describe(key));
  return Ok();
}

Status LocalObjectStore::Delete(std::string_view key) {
  REFLECTOR_TRY(ValidateKey(key));
  std::filesystem::path path = PathOf(key);
  std::error_code error;
  std::filesystem::remove(path, error);
  if (error && error != std::errc::no_such_file_or_directory) {
    return Error::Terminal(ErrorKind::kIo,
                           "cannot delete " + Describe(key) + " (" + path.string() + "): " + error.message());
  }
  return Ok();
}

Result<bool> LocalObjectStore::Exists(std::string_view key) {
  REFLECTOR_TRY(ValidateKey(key));
  std::filesystem::path path = PathOf(key);
  std::error_code error;
  auto status = std::filesystem::status(path, error);
  if (error && error != std::errc::no_such_file_or_directory && error != std::errc::not_a_directory) {
    return Error::Terminal(ErrorKind::kIo,
                           "cannot check " + Describe(key) + " (" + path.string() + "): " + error.message());
  }
  return std::filesystem::is_regular_file(status);
}

Result<std::string> LocalObjectStore::PresignGet(std::string_view key, std::chrono::seconds expires) {
  REFLECTOR_TRY(ValidateKey(key));
  if (expires.count() < 1 || expires.count() > std::int64_t{7} * 24 * 3600) {
    return Error::InvalidInput("presigned URL lifetime for " + Describe(key) +
                               " must be 1 s to 7 days, got " + std::to_string(expires.count()) + " s");
  }
  return "file://" + net::UriEncode(PathOf(key).string(), /*keep_slash=*/true);
}

Result<std::unique_ptr<ObjectStore>> LocalObjectStoreFactory::ForBucket(std::string_view bucket) {
  REFLECTOR_TRY(ValidateBucket(bucket));
  return std::unique_ptr<ObjectStore>(std::make_unique<LocalObjectStore>(root_, std::string(bucket)));
}

}  // namespace reflector::storage
