#pragma once
// A fresh directory under the system temp dir, removed when the object dies.

#include <filesystem>
#include <string_view>

namespace reflector::testing {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "reflector-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace reflector::testing
