#pragma once
// Builds the object store factory for the configured backend. Called once by the composition
// root; nothing here reads the environment.

#include <filesystem>
#include <memory>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "net/http_client.hpp"
#include "storage/object_store.hpp"

namespace reflector::storage {

// kLocal: objects under `local_root` (`<local_root>/<bucket>/<key>`); `s3` is ignored.
// kS3: S3 or an S3-compatible server as `s3` describes (endpoint, region, credentials); every
// problem in `s3` is reported together as kInvalidInput.
// `http` and `clock` must outlive the factory and the stores it makes.
Result<std::unique_ptr<ObjectStoreFactory>> MakeObjectStoreFactory(StorageBackend backend,
                                                                   const S3Settings& s3,
                                                                   const std::filesystem::path& local_root,
                                                                   net::HttpClient& http, const Clock& clock);

}  // namespace reflector::storage
