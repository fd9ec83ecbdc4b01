#pragma once
// The object storage seam. Tasks move audio and results through keys in a bucket, never URLs
// (a URL is presigned only when an outside service must fetch an object, just before the call).
//
// Backends: local/ (files under a root directory) and s3/ (S3 and S3-compatible servers).

#include <chrono>
#include <filesystem>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace reflector::storage {

// One bucket of one backend. Thread-safe: methods may be called concurrently; concurrent writes
// of the same key end with one of the written files, never a mix.
//
// Keys are '/'-separated names ("transcripts/<id>/mixdown.mp3"): non-empty, at most 1024 bytes,
// without NUL, without empty, "." or ".." segments (so no leading or trailing '/'). Any other
// key is refused with kInvalidInput naming it. Every error names the bucket and the key.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual std::string_view Bucket() const = 0;

  // Streams `file` up as `key`, replacing any previous object. Readers see either the old or the
  // new object, never a partial one. A missing or unreadable `file` is kInvalidInput.
  virtual Status PutFile(std::string_view key, const std::filesystem::path& file,
                         std::stop_token stop = {}) = 0;

  // Streams the object down into `file` (creating its parent directories) through a temporary
  // file that is renamed onto `file` when complete; on failure `file` is left as it was.
  // A missing object is kNotFound naming the key.
  virtual Status GetFile(std::string_view key, const std::filesystem::path& file,
                         std::stop_token stop = {}) = 0;

  // Removes the object. A missing object counts as deleted.
  virtual Status Delete(std::string_view key) = 0;

  virtual Result<bool> Exists(std::string_view key) = 0;

  // A URL an outside service can GET without credentials for `expires` (1 s to 7 days); for s3 a
  // SigV4 query-presigned URL, for local a file:// URL (which does not expire). The object need
  // not exist yet.
  virtual Result<std::string> PresignGet(std::string_view key, std::chrono::seconds expires) = 0;
};

// Opens other buckets with the same backend and credentials (tasks receive bucket names in
// their input). Thread-safe. Returns kInvalidInput for a malformed bucket name.
class ObjectStoreFactory {
 public:
  virtual ~ObjectStoreFactory() = default;
  virtual Result<std::unique_ptr<ObjectStore>> ForBucket(std::string_view bucket) = 0;
};

// The key rules above; kInvalidInput naming the key when broken.
Status ValidateKey(std::string_view key);

// Bucket names: 1 to 255 characters out of `A-Za-z0-9.-_`, not "." or "..".
Status ValidateBucket(std::string_view bucket);

}  // namespace reflector::storage
