#pragma once
// An ObjectStoreFactory that opens chosen buckets through other factories and every other bucket
// through a fallback: Daily.co's bucket of raw tracks with its own endpoint and credentials,
// everything the pipeline writes with the transcript storage's. Tasks keep passing bucket names
// and never learn which factory serves them.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "storage/object_store.hpp"

namespace reflector::storage {

class BucketRoutingStoreFactory final : public ObjectStoreFactory {
 public:
  explicit BucketRoutingStoreFactory(std::unique_ptr<ObjectStoreFactory> fallback);

  // From now on `bucket` is opened through `factory`. Call while setting up, before the factory
  // is shared between threads; a second route for the same bucket replaces the first.
  void Route(std::string bucket, std::unique_ptr<ObjectStoreFactory> factory);

  // Thread-safe once set up.
  Result<std::unique_ptr<ObjectStore>> ForBucket(std::string_view bucket) override;

 private:
  std::unique_ptr<ObjectStoreFactory> fallback_;
  std::map<std::string, std::unique_ptr<ObjectStoreFactory>, std::less<>> routes_;
};

}  // namespace reflector::storage
