#pragma once
// A small tmpfs mounted for a test: a disk the test can fill (and free again), unmounted when
// the object dies.

#include <cstdint>
#include <filesystem>
#include <memory>

#include "core/result.hpp"

namespace reflector::testing {

class TmpfsMount {
 public:
  // Mounts a tmpfs of `size_bytes` on `path` (an existing empty directory). Mounting needs
  // CAP_SYS_ADMIN: as root the tmpfs is mounted at once; otherwise the process first moves into
  // a user and mount namespace of its own (unshare(2)), which the kernel allows only while the
  // process has a single thread, so mount before starting threads. Programs started afterwards
  // share the mount. The error says which permission is missing.
  static Result<std::unique_ptr<TmpfsMount>> Mount(const std::filesystem::path& path,
                                                   std::uint64_t size_bytes);
  // Removes the filler and unmounts (lazily if something still uses it).
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // Bytes a writer may still take.
  [[nodiscard]] std::uint64_t FreeBytes() const;
  // Takes every free byte into a filler file at the top of the tmpfs, so that writes fail with
  // ENOSPC; a second call takes what was freed since. Returns the filler's size.
  Result<std::uint64_t> Fill();
  // Removes the filler: the space is back.
  void Unfill();

 private:
  explicit TmpfsMount(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path FillerPath() const { return path_ / "filler"; }

  std::filesystem::path path_;
};

}  // namespace reflector::testing
