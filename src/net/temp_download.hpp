#pragma once
// The temporary file a download (HttpRequest::response_file) is written to before it is renamed
// onto its target. Internal to reflector_net.

#include <cstddef>
#include <filesystem>

#include "core/result.hpp"

namespace reflector::net {

// Created beside the target ("<target>.part-XXXXXX"); removed again on destruction unless
// Commit renamed it onto the target. Not thread-safe; one per transfer.
class TempDownload {
 public:
  TempDownload() = default;
  ~TempDownload();
  TempDownload(const TempDownload&) = delete;
  TempDownload& operator=(const TempDownload&) = delete;

  // Creates the temporary file (kIo when it cannot be created).
  Status Open(const std::filesystem::path& target);
  [[nodiscard]] bool is_open() const { return fd_ >= 0; }

  // Appends `size` bytes; false on a write error, described by WriteError().
  bool Write(const char* data, std::size_t size);
  [[nodiscard]] Error WriteError() const;

  // Flushes the data to disk and renames the temporary file onto the target.
  Status Commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path path_;
  int fd_ = -1;
  int write_errno_ = 0;
};

}  // namespace reflector::net
