#pragma once
// Object storage in the local file system: object `key` of bucket `b` is the file
// `<root>/<b>/<key>`. Writes go to a temporary file in the same directory, are flushed and then
// renamed, so readers never see a partial object. Copies stream in 1 MiB chunks.

#include <filesystem>
#include <memory>
#include <string>

#include "storage/object_store.hpp"

namespace reflector::storage {

class LocalObjectStore final : public ObjectStore {
 public:
  // `bucket` must pass ValidateBucket (use LocalObjectStoreFactory::ForBucket for names that come
  // from input). `root` is made absolute; directories are created when the first object is put.
  LocalObjectStore(const std::filesystem::path& root, std::string bucket);

  std::string_view Bucket() const override { return bucket_; }
  Status PutFile(std::string_view key, const std::filesystem::path& file, std::stop_token stop = {}) override;
  Status GetFile(std::string_view key, const std::filesystem::path& file, std::stop_token stop = {}) override;
  Status Delete(std::string_view key) override;
  Result<bool> Exists(std::string_view key) override;
  // "file://" + the percent-encoded absolute path; `expires` is checked but has no effect.
  Result<std::string> PresignGet(std::string_view key, std::chrono::seconds expires) override;

  // Where `key` lives (the key is not validated).
  [[nodiscard]] std::filesystem::path PathOf(std::string_view key) const;

 private:
  std::string Describe(std::string_view key) const;

  std::filesystem::path root_;
  std::string bucket_;
};

class LocalObjectStoreFactory final : public ObjectStoreFactory {
 public:
  explicit LocalObjectStoreFactory(std::filesystem::path root) : root_(std::move(root)) {}
  Result<std::unique_ptr<ObjectStore>> ForBucket(std::string_view bucket) override;

 private:
  std::filesystem::path root_;
};

// Copies `source` onto `target` through a temporary file beside `target` (flushed, then renamed),
// creating `target`'s parent directories. Streams in chunks and checks `stop` between them.
// A missing `source` is kNotFound naming it, a full disk a retryable kNoSpace (nothing is left
// behind: the temporary file is removed); other failures are kIo.
Status CopyFileAtomically(const std::filesystem::path& source, const std::filesystem::path& target,
                          std::stop_token stop);

}  // namespace reflector::storage
