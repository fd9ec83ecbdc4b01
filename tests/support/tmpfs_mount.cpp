#include "support/tmpfs_mount.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace reflector::testing {
namespace {

std::string Text(int error_number) {
  return std::strerror(error_number);
}

Status WriteProcFile(const char* file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  out.close();
  if (!out) return Error::Terminal(ErrorKind::kIo, std::string("cannot write ") + file);
  return Ok();
}

// A user namespace in which this process is root, and a mount namespace it owns, so that it may
// mount a tmpfs without privileges outside.
Status EnterOwnMountNamespace() {
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
    return Error::Terminal(ErrorKind::kIo, "unshare: " + Text(errno));
  REFLECTOR_TRY(WriteProcFile("/proc/self/setgroups", "deny"));
  REFLECTOR_TRY(WriteProcFile("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1"));
  REFLECTOR_TRY(WriteProcFile("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"));
  // Nothing mounted here reaches the parent namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return Error::Terminal(ErrorKind::kIo, "making / private: " + Text(errno));
  return Ok();
}

int MountTmpfs(const std::filesystem::path& path, std::uint64_t size_bytes) {
  const std::string options = "size=" + std::to_string(size_bytes) + ",mode=0755";
  return ::mount("tmpfs", path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0 ? 0 : errno;
}

}  // namespace

Result<std::unique_ptr<TmpfsMount>> TmpfsMount::Mount(const std::filesystem::path& path,
                                                      std::uint64_t size_bytes) {
  int failed = MountTmpfs(path, size_bytes);
  if (failed == EPERM) {
    Status entered = EnterOwnMountNamespace();
    if (!entered.ok()) {
      return Error::Terminal(ErrorKind::kUnauthorized,
                             "mounting a tmpfs on " + path.string() +
                                 " needs CAP_SYS_ADMIN: run the test as root (in a container: --cap-add "
                                 "SYS_ADMIN), or allow unprivileged user namespaces "
                                 "(sysctl kernel.unprivileged_userns_clone=1); entering one failed: " +
                                 entered.error().message);
    }
    failed = MountTmpfs(path, size_bytes);
  }
  if (failed != 0) {
    return Error::Terminal(ErrorKind::kIo, "cannot mount a tmpfs on " + path.string() + ": " + Text(failed));
  }
  return std::unique_ptr<TmpfsMount>(new TmpfsMount(path));
}

TmpfsMount::~TmpfsMount() {
  Unfill();
  if (::umount2(path_.c_str(), 0) != 0) ::umount2(path_.c_str(), MNT_DETACH);
}

std::uint64_t TmpfsMount::FreeBytes() const {
  struct statvfs stats {};
  if (::statvfs(path_.c_str(), &stats) != 0) return 0;
  return static_cast<std::uint64_t>(stats.f_bavail) * stats.f_frsize;
}

Result<std::uint64_t> TmpfsMount::Fill() {
  const int fd = ::open(FillerPath().c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == ENOSPC) return std::uint64_t{0};  // not even room for the file: full already
    return Error::Terminal(ErrorKind::kIo, "cannot create " + FillerPath().string() + ": " + Text(errno));
  }
  off_t size = ::lseek(fd, 0, SEEK_END);
  // Large pieces first, then pages, until not one more fits.
  for (off_t piece : {off_t{1} << 20, off_t{1} << 16, off_t{4096}}) {
    while (::posix_fallocate(fd, size, piece) == 0)
      size += piece;
  }
  ::close(fd);
  return static_cast<std::uint64_t>(size);
}

void TmpfsMount::Unfill() {
  std::error_code ignored;
  std::filesystem::remove(FillerPath(), ignored);
}

}  // namespace reflector::testing
