#include "storage/factory.hpp"

#include "storage/local/local_object_store.hpp"
#include "storage/s3/s3_object_store.hpp"

namespace reflector::storage {

Result<std::unique_ptr<ObjectStoreFactory>> MakeObjectStoreFactory(StorageBackend backend,
                                                                   const S3Settings& s3,
                                                                   const std::filesystem::path& local_root,
                                                                   net::HttpClient& http,
                                                                   const Clock& clock) {
  switch (backend) {
    case StorageBackend::kLocal:
      if (local_root.empty()) return Error::InvalidInput("local storage root directory is empty");
      return std::unique_ptr<ObjectStoreFactory>(std::make_unique<LocalObjectStoreFactory>(local_root));
    case StorageBackend::kS3: {
      REFLECTOR_ASSIGN_OR_RETURN(auto factory, S3ObjectStoreFactory::Create(s3, http, clock));
      return std::unique_ptr<ObjectStoreFactory>(std::move(factory));
    }
  }
  return Error::Internal("unknown storage backend");
}

}  // namespace reflector::storage
